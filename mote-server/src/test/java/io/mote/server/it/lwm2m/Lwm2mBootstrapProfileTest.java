package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.resource.BaseInstanceEnablerFactory;
import org.eclipse.leshan.client.resource.LwM2mInstanceEnabler;
import org.eclipse.leshan.client.resource.LwM2mObjectEnabler;
import org.eclipse.leshan.client.resource.ObjectEnabler;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.request.BootstrapDeleteRequest;
import org.eclipse.leshan.core.request.BootstrapWriteRequest;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.response.BootstrapDeleteResponse;
import org.eclipse.leshan.core.response.BootstrapWriteResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;
import io.mote.transport.lwm2m.bootstrap.Lwm2mBootstrapServer;

/**
 * What a bootstrap writes comes from the profile's {@code bootstrap} list and {@code bootstrapServerUpdateEnable};
 * a client that rejects a bootstrap step ends its session with a log line naming the step and never registers,
 * while other devices carry on.
 */
class Lwm2mBootstrapProfileTest {

    private final TestServer server = TestServer.shared();
    private final List<TestClient> clients = new ArrayList<>();
    private Api tenant;

    @BeforeEach
    void tenant() {
        tenant = server.api().newTenant();
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
    }

    private TestClient start(String ep, UnaryOperator<List<LwM2mObjectEnabler>> objects) {
        TestClient c = new TestClient(ep, Security.noSecBootstrap("coap://127.0.0.1:" + server.lwm2mBootstrapPort()),
                null, null, objects);
        clients.add(c);
        return c;
    }

    /** A profile whose {@code bootstrap} list is {@code entries}. */
    private String profile(boolean updateBootstrap, ObjectNode... entries) {
        String p = "/3_" + TestClient.deviceVersion() + "/0/";
        ObjectNode tc = Profiles.transport(Map.of(p + "0", "manufacturer"), new String[] {p + "0"}, new String[0],
                new String[0], "SINGLE");
        ArrayNode list = tc.putArray("bootstrap");
        for (ObjectNode e : entries) {
            list.add(e);
        }
        tc.put("bootstrapServerUpdateEnable", updateBootstrap);
        return Api.id(tenant.post("/api/deviceProfile", Profiles.profile("lwm2m-bs-" + UUID.randomUUID(), tc)).ok());
    }

    private ObjectNode lwm2mEntry() {
        ObjectNode e = (ObjectNode) tenant.get("/api/lwm2m/deviceProfile/bootstrap/false").ok().deepCopy();
        e.put("shortServerId", 321).put("lifetime", 120).put("defaultMinPeriod", 7).put("notifIfDisabled", false)
                .put("binding", "U");
        return e;
    }

    /** The bootstrap server's own entry, with a host spelled differently so a rewritten account shows. */
    private ObjectNode bootstrapEntry() {
        ObjectNode e = (ObjectNode) tenant.get("/api/lwm2m/deviceProfile/bootstrap/true").ok().deepCopy();
        e.put("host", "localhost").put("securityHost", "localhost");
        return e;
    }

    private JsonNode read(String deviceId, String path) {
        return tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"Read\",\"params\":{\"id\":\"" + path + "\"},\"timeout\":20000}").ok();
    }

    private static LwM2mObjectInstance bootstrapAccount(TestClient c) {
        return c.securityInstances().values().stream()
                .filter(i -> Boolean.TRUE.equals(i.getResource(LwM2mId.SEC_BOOTSTRAP).getValue()))
                .findFirst().orElseThrow();
    }

    private static void awaitTrue(BooleanSupplier cond) throws InterruptedException {
        for (int i = 0; i < 300 && !cond.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        assertThat(cond.getAsBoolean()).isTrue();
    }

    @Test
    void serverAccountComesFromTheProfileListAndBootstrapAccountIsKept() throws Exception {
        String profileId = profile(false, lwm2mEntry(), bootstrapEntry());
        String ep = "bslist-" + UUID.randomUUID();
        String deviceId = SecureDevices.create(tenant, profileId, ep, SecureDevices.client("NO_SEC", ep));
        TestClient c = start(ep, UnaryOperator.identity());
        c.awaitRegistered();

        // The Server (1) instance holds the list's values, as the LwM2M server reads them back.
        assertThat(read(deviceId, "/1/0/0").get("value").asString()).contains("value=321");
        assertThat(read(deviceId, "/1/0/1").get("value").asString()).contains("value=120");
        assertThat(read(deviceId, "/1/0/2").get("value").asString()).contains("value=7");
        assertThat(read(deviceId, "/1/0/6").get("value").asString()).contains("value=false");
        assertThat(c.client.getRegisteredServers().values().iterator().next().getId()).isEqualTo(321L);
        // bootstrapServerUpdateEnable false: the bootstrap account is the one the client started with.
        assertThat(bootstrapAccount(c).getResource(LwM2mId.SEC_SERVER_URI).getValue())
                .isEqualTo("coap://127.0.0.1:" + server.lwm2mBootstrapPort());
        // The LwM2M account carries the short server id of the list's entry.
        LwM2mObjectInstance dm = c.securityInstances().values().stream()
                .filter(i -> Boolean.FALSE.equals(i.getResource(LwM2mId.SEC_BOOTSTRAP).getValue()))
                .findFirst().orElseThrow();
        assertThat(dm.getResource(LwM2mId.SEC_SERVER_ID).getValue()).isEqualTo(321L);
        assertThat(dm.getResource(LwM2mId.SEC_SERVER_URI).getValue()).isEqualTo("coap://127.0.0.1:" + server.lwm2mPort());
    }

    @Test
    void bootstrapAccountIsRewrittenWhenUpdateIsEnabled() throws Exception {
        String profileId = profile(true, lwm2mEntry(), bootstrapEntry());
        String ep = "bsupd-" + UUID.randomUUID();
        SecureDevices.create(tenant, profileId, ep, SecureDevices.client("NO_SEC", ep));
        TestClient c = start(ep, UnaryOperator.identity());
        c.awaitRegistered();
        assertThat(bootstrapAccount(c).getResource(LwM2mId.SEC_SERVER_URI).getValue())
                .isEqualTo("coap://localhost:" + server.lwm2mBootstrapPort());
        assertThat(c.securityInstances()).hasSize(2);
    }

    /** Object {@code id}'s enabler, answering Bootstrap-Write and -Delete with the given responses (null: as usual). */
    private static UnaryOperator<List<LwM2mObjectEnabler>> refusing(int id, BootstrapWriteResponse write,
                                                                    BootstrapDeleteResponse delete) {
        return objects -> {
            List<LwM2mObjectEnabler> out = new ArrayList<>();
            for (LwM2mObjectEnabler o : objects) {
                if (o.getId() != id) {
                    out.add(o);
                    continue;
                }
                ObjectEnabler original = (ObjectEnabler) o;
                BaseInstanceEnablerFactory factory = new BaseInstanceEnablerFactory() {
                    @Override
                    public LwM2mInstanceEnabler create() {
                        return id == LwM2mId.SECURITY ? new Security() : new Server();
                    }
                };
                out.add(new ObjectEnabler(id, o.getObjectModel(), new HashMap<>(), factory, ContentFormat.TLV) {
                    {
                        for (int i : original.getAvailableInstanceIds()) {
                            addInstance(i, original.getInstance(i));
                        }
                    }

                    @Override
                    protected BootstrapWriteResponse doWrite(LwM2mServer s, BootstrapWriteRequest request) {
                        return write != null ? write : super.doWrite(s, request);
                    }

                    @Override
                    public BootstrapDeleteResponse doDelete(LwM2mServer s, BootstrapDeleteRequest request) {
                        return delete != null ? delete : super.doDelete(s, request);
                    }
                });
            }
            return out;
        };
    }

    private void assertRejectedStepIsLoggedAndNoRegistration(UnaryOperator<List<LwM2mObjectEnabler>> objects,
                                                             String logged) throws Exception {
        String profileId = profile(false);
        // A well-behaved device, bootstrapped and registered before and still answering after.
        String okEp = "bsok-" + UUID.randomUUID();
        String okId = SecureDevices.create(tenant, profileId, okEp, SecureDevices.client("NO_SEC", okEp));
        start(okEp, UnaryOperator.identity()).awaitRegistered();

        Logger logger = (Logger) LoggerFactory.getLogger(Lwm2mBootstrapServer.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            String ep = "bsbad-" + UUID.randomUUID();
            SecureDevices.create(tenant, profileId, ep, SecureDevices.client("NO_SEC", ep));
            TestClient bad = start(ep, objects);
            awaitTrue(() -> appender.list.stream().anyMatch(e -> e.getFormattedMessage().contains(ep)
                    && e.getFormattedMessage().contains(logged)));
            // No Bootstrap-Finish: the client never uses what it was partly given.
            Thread.sleep(2000);
            assertThat(bad.bootstraps.get()).isZero();
            assertThat(bad.registrations.get()).isZero();
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(read(okId, "/3/0/0").get("value").asString()).contains("Mote Test Device");
    }

    @Test
    void clientRejectingServerWriteIsNotBootstrapped() throws Exception {
        assertRejectedStepIsLoggedAndNoRegistration(
                refusing(LwM2mId.SERVER, BootstrapWriteResponse.badRequest("read-only"), null),
                "the client rejected Write /1/0 with BAD_REQUEST(400) (read-only)");
    }

    @Test
    void clientRejectingSecurityDeleteIsNotBootstrapped() throws Exception {
        assertRejectedStepIsLoggedAndNoRegistration(
                refusing(LwM2mId.SECURITY, null, new BootstrapDeleteResponse(ResponseCode.METHOD_NOT_ALLOWED, "locked")),
                "the client rejected Delete /0 with METHOD_NOT_ALLOWED(405) (locked)");
    }
}
