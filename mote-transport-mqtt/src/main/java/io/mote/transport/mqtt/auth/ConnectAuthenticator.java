package io.mote.transport.mqtt.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;

import io.mote.common.entity.CredentialIds;
import io.mote.common.entity.CredentialsType;
import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.TransportService;

/**
 * Who a CONNECT is from. In order: the TLS client certificate's hash, the profile whose X.509 chain
 * provisioning holds a CA certificate of the presented chain, the user name as an access token
 * (with an empty password), then MQTT basic credentials by client id and user name, by client id, by user
 * name. The first credentials found decide; none found = not authorized.
 */
public final class ConnectAuthenticator {

    private ConnectAuthenticator() {
    }

    /** How a device proved its identity, or why it could not. */
    public record Result(DeviceInfo device, Failure failure) {

        static final Result NOT_AUTHORIZED = new Result(null, Failure.NOT_AUTHORIZED);
        static final Result BAD_PASSWORD = new Result(null, Failure.BAD_PASSWORD);

        static Result of(DeviceInfo device) {
            return new Result(device, null);
        }
    }

    public enum Failure { NOT_AUTHORIZED, BAD_PASSWORD }

    /** {@code certificates}: the TLS client's chain as presented, leaf first (empty without one). */
    public static CompletableFuture<Result> authenticate(TransportService transport, List<byte[]> certificates,
                                                         String clientId, String userName, String password) {
        List<Supplier<CompletableFuture<Result>>> steps = new ArrayList<>(6);
        if (!certificates.isEmpty()) {
            byte[] leaf = certificates.get(0);
            steps.add(() -> transport.authenticate(CredentialsType.X509_CERTIFICATE, CredentialIds.x509(leaf))
                    .thenApply(a -> a.map(x -> Result.of(x.device())).orElse(null)));
        }
        if (certificates.size() > 1) {
            // Not known by its own certificate: a profile's X.509 chain provisioning may know its CA.
            steps.add(() -> transport.provisionByCertificateChain(certificates)
                    .thenApply(d -> d.map(Result::of).orElse(null)));
        }
        boolean hasUser = userName != null && !userName.isEmpty();
        boolean hasClient = clientId != null && !clientId.isEmpty();
        if (hasUser && password.isEmpty()) {
            steps.add(() -> transport.authenticate(CredentialsType.ACCESS_TOKEN, userName)
                    .thenApply(a -> a.map(x -> Result.of(x.device())).orElse(null)));
        }
        if (hasClient && hasUser) {
            steps.add(basic(transport, CredentialIds.mqttBasic(clientId, userName), password));
        }
        if (hasClient) {
            steps.add(basic(transport, CredentialIds.mqttBasic(clientId, null), password));
        }
        if (hasUser) {
            steps.add(basic(transport, CredentialIds.mqttBasic(null, userName), password));
        }
        return next(steps, 0);
    }

    private static CompletableFuture<Result> next(List<Supplier<CompletableFuture<Result>>> steps, int i) {
        if (i == steps.size()) {
            return CompletableFuture.completedFuture(Result.NOT_AUTHORIZED);
        }
        return steps.get(i).get().thenCompose(a -> a != null ? CompletableFuture.completedFuture(a) : next(steps, i + 1));
    }

    private static Supplier<CompletableFuture<Result>> basic(TransportService transport, String credentialsId,
                                                             String password) {
        return () -> transport.authenticate(CredentialsType.MQTT_BASIC, credentialsId)
                .thenApply(found -> found.map(a -> checkPassword(a, password)).orElse(null));
    }

    private static Result checkPassword(AuthenticatedDevice a, String password) {
        String stored;
        try {
            JsonNode v = Json.parse(a.credentialsValue());
            stored = v.path("password").asString("");
        } catch (MoteException e) {
            return Result.BAD_PASSWORD;
        }
        if (stored.isEmpty()) {
            return Result.of(a.device());
        }
        boolean same = MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
        return same ? Result.of(a.device()) : Result.BAD_PASSWORD;
    }
}
