package io.mote.core.claim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.mote.common.entity.Authority;
import io.mote.common.entity.Device;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.DataType;
import io.mote.core.Validation;
import io.mote.core.device.DeviceService;
import io.mote.core.security.Access;
import io.mote.core.security.SecurityUser;
import io.mote.core.telemetry.AttributesService;
import io.mote.dao.DeviceDao;
import io.mote.dao.DeviceDao.ClaimData;
import io.mote.transport.api.DeviceInfo;

/**
 * Device claiming. A device that belongs to no customer allows itself to be claimed with a secret for
 * a while; a customer user who presents the secret in time gets the device assigned to their customer.
 * The pending claim is stored (it survives restarts) and is tried once: a wrong secret or an expired
 * claim discards it, so secrets cannot be guessed, and the device must ask again.
 * <p>
 * A device whose server-scope attribute {@code claimingAllowed} is {@code true} (ThingsBoard's mode for
 * devices sold unclaimed) may be claimed by name without any secret while it has no customer, whether or
 * not it asked; a claim request it did make still needs its secret.
 */
@Service
public class ClaimService {

    private static final Logger log = LoggerFactory.getLogger(ClaimService.class);

    /** The server-scope attribute that lets a device without a customer be claimed without a secret. */
    public static final String CLAIMING_ALLOWED = "claimingAllowed";

    private final DeviceDao devices;
    private final DeviceService deviceService;
    private final AttributesService attributes;
    private final TransactionTemplate tx;
    private final long defaultDurationMs;

    public ClaimService(DeviceDao devices, DeviceService deviceService, AttributesService attributes,
                        TransactionTemplate tx, @Value("${mote.claim.duration-ms:86400000}") long defaultDurationMs) {
        this.devices = devices;
        this.deviceService = deviceService;
        this.attributes = attributes;
        this.tx = tx;
        this.defaultDurationMs = defaultDurationMs;
    }

    /**
     * The device side: allow claiming with this secret (null = "") for this long (0 = the configured
     * default). A newer request replaces a pending one. Fails for a device that already has a customer.
     */
    public void allowClaiming(DeviceInfo device, String secretKey, long durationMs) {
        String secret = secretKey == null ? "" : Validation.optional("secretKey", secretKey, 255);
        if (durationMs < 0) {
            throw MoteException.badRequest("durationMs must not be negative");
        }
        long duration = durationMs == 0 ? defaultDurationMs : durationMs;
        long now = System.currentTimeMillis();
        long expiration = duration > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + duration;
        Device d = devices.find(device.deviceId()).orElseThrow(MoteException::notFound);
        if (isAssigned(d)) {
            throw MoteException.badRequest("Device is already claimed");
        }
        devices.saveClaim(d.id().id(), secret, expiration);
        log.debug("Device {} allows claiming for {} ms", d.id().id(), duration);
    }

    /** A customer user claims the device of that name in their tenant with the device's secret. */
    public ClaimResult claim(SecurityUser user, String deviceName, String secretKey) {
        Access.require(user, Authority.CUSTOMER_USER);
        Device d = devices.findByName(Access.tenantOf(user), deviceName).orElseThrow(MoteException::notFound);
        String presented = secretKey == null ? "" : secretKey;
        boolean allowedWithoutSecret = claimingAllowed(d);
        return tx.execute(s -> {
            Optional<ClaimData> claim = devices.takeClaim(d.id().id());
            if (isAssigned(d)) {
                return new ClaimResult(null, ClaimResponse.CLAIMED);
            }
            boolean secretMatches = claim.isPresent() && System.currentTimeMillis() <= claim.get().expirationTime()
                    && sameSecret(claim.get().secretKey(), presented);
            if (!secretMatches && !(claim.isEmpty() && allowedWithoutSecret)) {
                return new ClaimResult(null, ClaimResponse.FAILURE);
            }
            if (!devices.assignIfUnassigned(d.id().id(), user.customerId())) {
                return new ClaimResult(null, ClaimResponse.CLAIMED);
            }
            return new ClaimResult(d.withCustomer(new EntityId(EntityType.CUSTOMER, user.customerId())),
                    ClaimResponse.SUCCESS);
        });
    }

    /**
     * Releases a claimed device: it is unassigned from its customer and may be claimed again (after the
     * device asks again). The tenant administrator may release any device of the tenant, a customer user
     * only their customer's. A pending claim is discarded either way.
     */
    public void reclaim(SecurityUser user, String deviceName) {
        Access.require(user, Authority.TENANT_ADMIN, Authority.CUSTOMER_USER);
        Device d = deviceService.getByName(user, deviceName);
        tx.executeWithoutResult(s -> {
            devices.deleteClaim(d.id().id());
            // Only the customer column: the device read above may be older than the row by now.
            devices.unassign(d.id().id());
        });
    }

    /** The device's server attribute {@code claimingAllowed} is the boolean true. */
    private boolean claimingAllowed(Device d) {
        for (AttributeKvEntry a : attributes.find(d.id().id(), AttributeScope.SERVER_SCOPE, List.of(CLAIMING_ALLOWED))) {
            if (a.kv().type() == DataType.BOOLEAN && Boolean.TRUE.equals(a.kv().value())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAssigned(Device d) {
        return d.customerId() != null && !d.customerId().isNull();
    }

    /** Compares in constant time, so response times say nothing about the secret. */
    private static boolean sameSecret(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
