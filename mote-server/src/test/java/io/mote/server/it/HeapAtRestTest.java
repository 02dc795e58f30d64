package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Test;

/**
 * Once the server is ready (here in the test's own JVM), an idle heap goes back to the operating system: G1
 * runs a concurrent cycle after a minute without GC and keeps at most 30 % of the heap free.
 */
class HeapAtRestTest {

    @Test
    void readyServerSetsTheHeapToShrinkAtRest() {
        TestServer.shared();
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assertThat(vm.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo("30");
        assertThat(vm.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo("10");
        assertThat(vm.getVMOption("G1PeriodicGCInterval").getValue()).isEqualTo("60000");
    }
}
