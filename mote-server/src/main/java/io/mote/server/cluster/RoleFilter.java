package io.mote.server.cluster;

import java.util.List;

import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.filter.TypeFilter;

/**
 * Leaves out of the component scan what the node's role does not run: on a transport node the core, the
 * REST API and the database wiring; on a core node the transports. Role {@code all} scans everything.
 */
public class RoleFilter implements TypeFilter, EnvironmentAware {

    /** Classes and packages (prefixes) only a core node (or {@code all}) runs. */
    private static final List<String> CORE_ONLY = List.of(
            "io.mote.core.", "io.mote.rest.", "io.mote.dao.",
            "io.mote.server.DatabaseConfig", "io.mote.server.CoreConfig", "io.mote.server.FirstStart",
            "io.mote.server.web.OpenApiConfig", "io.mote.server.web.TransportPortsController",
            "io.mote.server.web.ConsoleWebConfig", "io.mote.server.web.ActuatorGuardConfig");

    /** Classes and packages only a transport node (or {@code all}) runs. */
    private static final List<String> TRANSPORT_ONLY = List.of(
            "io.mote.transport.http.", "io.mote.transport.mqtt.", "io.mote.transport.coap.",
            "io.mote.transport.lwm2m.", "io.mote.transport.snmp.",
            "io.mote.server.HttpTransportConfig", "io.mote.server.Lwm2mConfig", "io.mote.server.Lwm2mSecurityConfig",
            "io.mote.server.CoapTransportConfig", "io.mote.server.SnmpTransportConfig");

    private Role role = Role.ALL;

    @Override
    public void setEnvironment(Environment environment) {
        this.role = Role.of(environment);
    }

    @Override
    public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
        String name = reader.getClassMetadata().getClassName();
        return switch (role) {
            case ALL -> false;
            case TRANSPORT -> matches(name, CORE_ONLY);
            case CORE -> matches(name, TRANSPORT_ONLY);
        };
    }

    private static boolean matches(String name, List<String> prefixes) {
        for (String p : prefixes) {
            if (p.endsWith(".") ? name.startsWith(p) : name.equals(p) || name.startsWith(p + "$")) {
                return true;
            }
        }
        return false;
    }
}
