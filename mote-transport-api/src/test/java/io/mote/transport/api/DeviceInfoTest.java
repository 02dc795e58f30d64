package io.mote.transport.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class DeviceInfoTest {

    @Test
    void devicesOfOneTenantAndProfileShareTheirIdsAndType() {
        String tenant = UUID.randomUUID().toString();
        String profile = UUID.randomUUID().toString();
        // Equal values parsed apart, as two devices' rows or two registrations give them.
        DeviceInfo a = new DeviceInfo(UUID.fromString(tenant), UUID.randomUUID(), "a", new String("thermostat"),
                UUID.fromString(profile));
        DeviceInfo b = new DeviceInfo(UUID.fromString(tenant), UUID.randomUUID(), "b", new String("thermostat"),
                UUID.fromString(profile), true);

        assertThat(b.tenantId()).isSameAs(a.tenantId());
        assertThat(b.deviceProfileId()).isSameAs(a.deviceProfileId());
        assertThat(b.deviceType()).isSameAs(a.deviceType());
        assertThat(b.deviceId()).isNotEqualTo(a.deviceId());
        assertThat(b.gateway()).isTrue();
        assertThat(new DeviceInfo(null, a.deviceId(), "c", null, null).deviceType()).isNull();
    }
}
