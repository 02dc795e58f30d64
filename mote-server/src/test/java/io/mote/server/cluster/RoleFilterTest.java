package io.mote.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;
import org.springframework.mock.env.MockEnvironment;

import io.mote.core.session.DefaultTransportService;
import io.mote.rest.controller.DeviceController;
import io.mote.server.CoapTransportConfig;
import io.mote.server.DatabaseConfig;
import io.mote.server.HttpTransportConfig;
import io.mote.server.web.WebConfig;
import io.mote.transport.http.DeviceApiController;
import io.mote.transport.mqtt.MqttTransportConfig;

class RoleFilterTest {

    private final SimpleMetadataReaderFactory readers = new SimpleMetadataReaderFactory();

    private boolean excluded(String role, Class<?> type) throws IOException {
        RoleFilter filter = new RoleFilter();
        MockEnvironment env = new MockEnvironment();
        if (role != null) {
            env.setProperty("mote.role", role);
        }
        filter.setEnvironment(env);
        return filter.match(readers.getMetadataReader(type.getName()), readers);
    }

    @Test
    void allScansEverything() throws IOException {
        for (Class<?> c : new Class<?>[]{DefaultTransportService.class, DeviceController.class, DatabaseConfig.class,
                DeviceApiController.class, MqttTransportConfig.class, CoapTransportConfig.class}) {
            assertThat(excluded(null, c)).as(c.getSimpleName()).isFalse();
            assertThat(excluded("all", c)).as(c.getSimpleName()).isFalse();
        }
    }

    @Test
    void transportLeavesOutTheCoreTheRestApiAndTheDatabase() throws IOException {
        assertThat(excluded("transport", DefaultTransportService.class)).isTrue();
        assertThat(excluded("transport", DeviceController.class)).isTrue();
        assertThat(excluded("transport", DatabaseConfig.class)).isTrue();
        assertThat(excluded("transport", DatabaseConfig.EmbeddedDatabaseHolder.class)).isTrue();
        assertThat(excluded("transport", DeviceApiController.class)).isFalse();
        assertThat(excluded("transport", MqttTransportConfig.class)).isFalse();
        assertThat(excluded("transport", HttpTransportConfig.class)).isFalse();
        assertThat(excluded("transport", WebConfig.class)).isFalse();
    }

    @Test
    void coreLeavesOutTheDeviceListeners() throws IOException {
        assertThat(excluded("CORE", DeviceApiController.class)).isTrue();
        assertThat(excluded("core", MqttTransportConfig.class)).isTrue();
        assertThat(excluded("core", CoapTransportConfig.class)).isTrue();
        assertThat(excluded("core", CoapTransportConfig.CoapProperties.class)).isTrue();
        assertThat(excluded("core", DefaultTransportService.class)).isFalse();
        assertThat(excluded("core", DatabaseConfig.class)).isFalse();
    }

    @Test
    void anUnknownRoleIsRefused() {
        assertThatThrownBy(() -> excluded("edge", WebConfig.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mote.role");
    }
}
