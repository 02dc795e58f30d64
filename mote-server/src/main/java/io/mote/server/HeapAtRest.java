package io.mote.server;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gives the heap a start-up needed back to the operating system once the server is at rest. Starting
 * commits two to three times the heap the running server keeps live (200-270 MB against 60-80 MB), and with
 * the JVM's defaults G1 keeps it: it shrinks a heap only when more than 70 % is free, and only after a GC,
 * which an idle server does not have. Once ready, unless set on the command line: a GC leaves at most 30 %
 * of the heap free (MaxHeapFreeRatio), and a concurrent cycle runs after {@code mote.memory.idle-gc-interval}
 * without any GC (G1PeriodicGCInterval), so an idle server shrinks within that time; under load GCs come
 * far more often and nothing changes. All three are manageable flags, settable while running.
 */
@Component
class HeapAtRest {

    private static final Logger log = LoggerFactory.getLogger(HeapAtRest.class);

    private final boolean enabled;
    private final Duration idleGcInterval;

    HeapAtRest(@Value("${mote.memory.return-idle-heap:true}") boolean enabled,
               @Value("${mote.memory.idle-gc-interval:60s}") Duration idleGcInterval) {
        this.enabled = enabled;
        this.idleGcInterval = idleGcInterval;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready() {
        if (!enabled) {
            return;
        }
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            // Min before max: the JVM refuses a maximum below the minimum at every step.
            setDefault(vm, "MinHeapFreeRatio", "10");
            setDefault(vm, "MaxHeapFreeRatio", "30");
            setDefault(vm, "G1PeriodicGCInterval", Long.toString(idleGcInterval.toMillis()));
        } catch (RuntimeException e) {
            // Another JVM, or flags it does not have: the heap simply stays as the JVM sizes it.
            log.debug("Heap sizing at rest left to the JVM: {}", e.toString());
        }
    }

    private static void setDefault(HotSpotDiagnosticMXBean vm, String flag, String value) {
        if (vm.getVMOption(flag).getOrigin() == VMOption.Origin.DEFAULT) {
            vm.setVMOption(flag, value);
        }
    }
}
