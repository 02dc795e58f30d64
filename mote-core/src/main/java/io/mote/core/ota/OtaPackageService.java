package io.mote.core.ota;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.mote.common.entity.Authority;
import io.mote.common.entity.Device;
import io.mote.common.entity.DeviceProfile;
import io.mote.common.entity.OtaPackageInfo;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.common.id.EntityId;
import io.mote.common.id.EntityType;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.core.Validation;
import io.mote.core.security.Access;
import io.mote.core.security.SecurityUser;
import io.mote.core.telemetry.AttributesService;
import io.mote.core.telemetry.TelemetryService;
import io.mote.dao.DeviceDao;
import io.mote.dao.DeviceProfileDao;
import io.mote.dao.OtaPackageDao;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;

/**
 * OTA packages: their description, their file (streamed into and out of the database with its checksum
 * computed on the way in), and their assignment to profiles and devices.
 *
 * <p>A device's package of a kind is its own, else its profile's. Whenever that changes, the device gets
 * the package's description as shared attributes ({@code fw_title}, {@code fw_version}, {@code fw_size},
 * {@code fw_checksum}, {@code fw_checksum_algorithm}, {@code fw_url}, {@code fw_tag}; {@code sw_*} for
 * software), pushed to its live sessions, and the telemetry {@code fw_state} = QUEUED with
 * {@code target_fw_title}, {@code target_fw_version} and {@code target_fw_ts}. When it loses its package
 * the attributes are deleted. From then on the device reports its progress as ordinary telemetry.
 */
@Service
public class OtaPackageService {

    private static final Logger log = LoggerFactory.getLogger(OtaPackageService.class);

    /** Devices updated per batch when a profile's package changes. */
    static final int DEVICE_BATCH = 1000;
    /** Largest byte range one {@link #data} call returns. */
    public static final int MAX_READ = 16 * 1024 * 1024;

    private static final UUID FIRST_UUID = new UUID(0, 0);

    private final OtaPackageDao packages;
    private final DeviceDao devices;
    private final DeviceProfileDao profiles;
    private final AttributesService attributes;
    private final TelemetryService telemetry;
    private final TransactionTemplate tx;

    public OtaPackageService(OtaPackageDao packages, DeviceDao devices, DeviceProfileDao profiles,
                             AttributesService attributes, TelemetryService telemetry, TransactionTemplate tx) {
        this.packages = packages;
        this.devices = devices;
        this.profiles = profiles;
        this.attributes = attributes;
        this.telemetry = telemetry;
        this.tx = tx;
    }

    // ---- packages ----

    /**
     * Creates a package, or updates one (only its tag and additional info may change). A package with a
     * {@code url} is downloaded from there and never gets a file; it may carry the checksum of that file.
     */
    public OtaPackageInfo save(SecurityUser user, OtaPackageInfo p) {
        Access.require(user, Authority.TENANT_ADMIN);
        UUID tenantId = Access.tenantOf(user);
        Validation.optional("OTA package tag", p.tag(), 255);
        if (p.id() != null) {
            OtaPackageInfo old = get(user, p.id().id());
            if (changed(p.title(), old.title()) || changed(p.version(), old.version()) || changed(p.type(), old.type())
                    || changed(p.url(), old.url())
                    || (p.deviceProfileId() != null && !p.deviceProfileId().equals(old.deviceProfileId()))) {
                throw MoteException.invalid(
                        "The title, version, type, device profile and URL of an OTA package cannot be changed");
            }
            OtaPackageInfo updated = new OtaPackageInfo(old.id(), old.createdTime(), old.tenantId(),
                    old.deviceProfileId(), old.type(), old.title(), old.version(), p.tag(), old.url(), old.hasData(),
                    old.fileName(), old.contentType(), old.checksumAlgorithm(), old.checksum(), old.dataSize(),
                    old.externalId(), p.additionalInfo());
            packages.updateInfo(updated);
            return updated;
        }
        Validation.required("OTA package title", p.title(), 255);
        Validation.required("OTA package version", p.version(), 255);
        OtaPackageType type = parseType(p.type());
        if (p.deviceProfileId() == null) {
            throw MoteException.invalid("OTA package device profile should be specified!");
        }
        DeviceProfile profile = profiles.find(p.deviceProfileId().id())
                .filter(found -> found.tenantId().id().equals(tenantId))
                .orElseThrow(() -> MoteException.invalid("OTA package is referencing a non-existent device profile!"));
        String url = p.url() == null || p.url().isBlank() ? null : checkUrl(p.url().trim());
        String algorithm = null;
        String checksum = null;
        if (url != null && p.checksum() != null && !p.checksum().isBlank()) {
            // A package kept elsewhere may still tell devices how to check what they download.
            algorithm = ChecksumAlgorithm.parse(p.checksumAlgorithm()).name();
            checksum = Validation.optional("OTA package checksum", p.checksum().trim(), 1024);
        }
        OtaPackageInfo created = new OtaPackageInfo(new EntityId(EntityType.OTA_PACKAGE, UUID.randomUUID()),
                System.currentTimeMillis(), new EntityId(EntityType.TENANT, tenantId), profile.id(), type.name(),
                p.title(), p.version(), p.tag(), url, false, null, null, algorithm, checksum, null, null,
                p.additionalInfo());
        try {
            packages.insert(created);
        } catch (DuplicateKeyException e) {
            throw MoteException.invalid("OTA package with such title and version already exists!");
        }
        return created;
    }

    private static boolean changed(String given, String current) {
        return given != null && !given.equals(current);
    }

    private static String checkUrl(String url) {
        Validation.optional("OTA package URL", url, 1024);
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                throw MoteException.invalid("OTA package URL must be an absolute http or https URL");
            }
        } catch (URISyntaxException e) {
            throw MoteException.invalid("OTA package URL is not a valid URL");
        }
        return url;
    }

    public static OtaPackageType parseType(String type) {
        if (type == null || type.isBlank()) {
            throw MoteException.invalid("OTA package type should be specified!");
        }
        try {
            return OtaPackageType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Unsupported OTA package type '" + type + "'; use FIRMWARE or SOFTWARE");
        }
    }

    /**
     * Stores the package's file from the stream, computing its checksum on the way; when a checksum is
     * given and differs, nothing is stored. A package gets one file, once.
     */
    public OtaPackageInfo upload(SecurityUser user, UUID id, String checksumAlgorithm, String checksum,
                                 String fileName, String contentType, InputStream in) {
        Access.require(user, Authority.TENANT_ADMIN);
        ChecksumAlgorithm algorithm = ChecksumAlgorithm.parse(checksumAlgorithm);
        String expected = checksum == null || checksum.isBlank() ? null
                : Validation.optional("checksum", checksum.trim(), 1024);
        OtaPackageInfo p = get(user, id);
        String name = fileName(fileName, p);
        String type = contentType == null || contentType.isBlank() ? "application/octet-stream"
                : Validation.optional("Content type", contentType, 255);
        try {
            tx.executeWithoutResult(s -> {
                OtaPackageInfo locked = packages.findForUpdate(id).orElseThrow(MoteException::notFound);
                if (locked.url() != null) {
                    throw MoteException.invalid("The OTA package is downloaded from its URL; it cannot also have a file");
                }
                if (locked.hasData()) {
                    throw MoteException.invalid("The OTA package already has a file; create a new package instead");
                }
                ChecksumAlgorithm.Digest digest = algorithm.newDigest();
                long size;
                try {
                    size = packages.writeData(id, in, (buffer, length) -> digest.update(buffer, 0, length));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (size == 0) {
                    throw MoteException.invalid("The uploaded file is empty");
                }
                String computed = digest.hex();
                if (expected != null && !algorithm.matches(expected, computed)) {
                    throw MoteException.invalid("Checksum mismatch: the file's " + algorithm + " checksum is "
                            + computed + ", not " + expected);
                }
                packages.setData(id, name, type, algorithm.name(), computed, size);
            });
        } catch (UncheckedIOException e) {
            log.debug("OTA package {} upload failed: {}", id, e.getMessage());
            throw MoteException.badRequest("Could not read the uploaded file");
        }
        return packages.find(id).orElseThrow(MoteException::notFound);
    }

    /** The file name as given by the client, without any directory part; derived from the package when none. */
    private static String fileName(String given, OtaPackageInfo p) {
        String name = given == null ? "" : given.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).trim();
        if (name.isEmpty()) {
            name = p.title() + "-" + p.version() + ".bin";
        }
        if (name.length() > 255) {
            name = name.substring(name.length() - 255);
        }
        return Validation.optional("File name", name, 255);
    }

    public OtaPackageInfo get(SecurityUser user, UUID id) {
        Access.require(user, Authority.TENANT_ADMIN, Authority.CUSTOMER_USER);
        OtaPackageInfo p = packages.find(id).orElseThrow(MoteException::notFound);
        Access.checkTenant(user, p.tenantId());
        return p;
    }

    /** A package with a file, for downloading it: 404 when it has none. */
    public OtaPackageInfo getForDownload(SecurityUser user, UUID id) {
        Access.require(user, Authority.TENANT_ADMIN);
        OtaPackageInfo p = get(user, id);
        if (!p.hasData()) {
            throw new MoteException(ErrorCode.ITEM_NOT_FOUND, p.url() != null
                    ? "The OTA package has no file here; it is downloaded from its URL"
                    : "The OTA package has no file yet");
        }
        return p;
    }

    /** Writes the package's file to the stream a stored chunk at a time. */
    public void writeData(UUID id, OutputStream out) throws IOException {
        for (int chunkNo = 0; ; chunkNo++) {
            byte[] chunk = packages.chunk(id, chunkNo);
            if (chunk == null) {
                return;
            }
            out.write(chunk);
            if (chunk.length < OtaPackageDao.CHUNK_SIZE) {
                return;
            }
        }
    }

    public PageData<OtaPackageInfo> page(SecurityUser user, PageLink link) {
        Access.require(user, Authority.TENANT_ADMIN);
        return packages.page(Access.tenantOf(user), link);
    }

    /** The packages of a profile and type that can be assigned (those with a file or a URL). */
    public PageData<OtaPackageInfo> assignable(SecurityUser user, UUID profileId, String type, PageLink link) {
        Access.require(user, Authority.TENANT_ADMIN);
        OtaPackageType t = parseType(type);
        DeviceProfile profile = profiles.find(profileId).orElseThrow(MoteException::notFound);
        Access.checkTenant(user, profile.tenantId());
        return packages.assignable(profile.tenantId().id(), profileId, t.name(), link);
    }

    public void delete(SecurityUser user, UUID id) {
        Access.require(user, Authority.TENANT_ADMIN);
        get(user, id);
        String referrer = packages.referencedBy(id);
        if (referrer != null) {
            throw MoteException.invalid("The OTA package is assigned to a " + ("profile".equals(referrer)
                    ? "device profile" : "device") + " and cannot be deleted; unassign it first");
        }
        packages.delete(id);
    }

    // ---- assignment ----

    /**
     * Checks that a profile or device may be given this package as its firmware or software: a package of
     * the same tenant, kind and profile, with a file or a URL. Fails with 400 otherwise.
     */
    public void checkAssignable(UUID tenantId, UUID profileId, EntityId packageId, OtaPackageType type) {
        if (packageId == null) {
            return;
        }
        String field = type == OtaPackageType.FIRMWARE ? "firmwareId" : "softwareId";
        String kind = type == OtaPackageType.FIRMWARE ? "firmware" : "software";
        if (packageId.entityType() != EntityType.OTA_PACKAGE) {
            throw MoteException.invalid(field + " must be an OTA_PACKAGE id");
        }
        OtaPackageInfo p = packages.find(packageId.id()).filter(found -> found.tenantId().id().equals(tenantId))
                .orElseThrow(() -> MoteException.invalid(field + " refers to an OTA package that does not exist"));
        if (!type.name().equals(p.type())) {
            throw MoteException.invalid(field + " must refer to a " + type + " package, not a " + p.type() + " one");
        }
        if (!p.deviceProfileId().id().equals(profileId)) {
            throw MoteException.invalid("The " + kind + " package belongs to another device profile");
        }
        if (!p.hasData() && p.url() == null) {
            throw MoteException.invalid("The " + kind + " package has no file yet: upload one first");
        }
    }

    /** After a device was created or updated (committed): tells it about a changed package. */
    public void deviceSaved(Device old, Device saved) {
        DeviceProfile oldProfile = old == null ? null : profiles.find(old.deviceProfileId().id()).orElse(null);
        DeviceProfile newProfile = profiles.find(saved.deviceProfileId().id()).orElse(null);
        for (OtaPackageType type : OtaPackageType.values()) {
            UUID before = old == null ? null : effective(own(old, type), oldProfile, type);
            UUID after = effective(own(saved, type), newProfile, type);
            if (!Objects.equals(before, after)) {
                apply(List.of(saved.id().id()), type, after);
            }
        }
    }

    /** After a profile was updated (committed): tells its devices without a package of their own. */
    public void profileSaved(DeviceProfile old, DeviceProfile saved) {
        if (old == null) {
            return;
        }
        for (OtaPackageType type : OtaPackageType.values()) {
            UUID before = profilePackage(old, type);
            UUID after = profilePackage(saved, type);
            if (Objects.equals(before, after)) {
                continue;
            }
            UUID last = FIRST_UUID;
            while (true) {
                List<UUID> ids = devices.idsFollowingProfilePackage(saved.id().id(), type == OtaPackageType.FIRMWARE,
                        last, DEVICE_BATCH);
                if (ids.isEmpty()) {
                    break;
                }
                apply(ids, type, after);
                last = ids.get(ids.size() - 1);
                if (ids.size() < DEVICE_BATCH) {
                    break;
                }
            }
        }
    }

    private static UUID own(Device d, OtaPackageType type) {
        EntityId id = type == OtaPackageType.FIRMWARE ? d.firmwareId() : d.softwareId();
        return id == null ? null : id.id();
    }

    private static UUID profilePackage(DeviceProfile p, OtaPackageType type) {
        EntityId id = p == null ? null : type == OtaPackageType.FIRMWARE ? p.firmwareId() : p.softwareId();
        return id == null ? null : id.id();
    }

    private static UUID effective(UUID own, DeviceProfile profile, OtaPackageType type) {
        return own != null ? own : profilePackage(profile, type);
    }

    /** Gives the devices the package's attributes and queues the update; no package removes them. */
    private void apply(List<UUID> deviceIds, OtaPackageType type, UUID packageId) {
        String prefix = type == OtaPackageType.FIRMWARE ? "fw_" : "sw_";
        List<String> all = List.of(prefix + "title", prefix + "version", prefix + "size", prefix + "checksum",
                prefix + "checksum_algorithm", prefix + "url", prefix + "tag");
        OtaPackageInfo p = packageId == null ? null : packages.find(packageId).orElse(null);
        if (p == null) {
            attributes.deleteShared(deviceIds, all);
            return;
        }
        List<KvEntry> attrs = new ArrayList<>();
        attrs.add(KvEntry.ofString(prefix + "title", p.title()));
        attrs.add(KvEntry.ofString(prefix + "version", p.version()));
        if (p.dataSize() != null) {
            attrs.add(KvEntry.ofLong(prefix + "size", p.dataSize()));
        }
        if (p.checksum() != null) {
            attrs.add(KvEntry.ofString(prefix + "checksum", p.checksum()));
            attrs.add(KvEntry.ofString(prefix + "checksum_algorithm", p.checksumAlgorithm()));
        }
        if (p.url() != null) {
            attrs.add(KvEntry.ofString(prefix + "url", p.url()));
        }
        if (p.tag() != null && !p.tag().isEmpty()) {
            attrs.add(KvEntry.ofString(prefix + "tag", p.tag()));
        }
        // QUEUED's time is taken before the attributes reach the sessions: the update they start (INITIATED, stored
        // by the transport with its own clock) must come after it in the state's history.
        long now = System.currentTimeMillis();
        List<String> stale = all.stream().filter(k -> attrs.stream().noneMatch(a -> a.key().equals(k))).toList();
        attributes.deleteShared(deviceIds, stale);
        attributes.saveShared(deviceIds, attrs);

        List<TsKvEntry> state = new ArrayList<>(List.of(
                new TsKvEntry(now, KvEntry.ofString("target_" + prefix + "title", p.title())),
                new TsKvEntry(now, KvEntry.ofString("target_" + prefix + "version", p.version())),
                new TsKvEntry(now, KvEntry.ofLong("target_" + prefix + "ts", now)),
                new TsKvEntry(now, KvEntry.ofString(prefix + "state", "QUEUED"))));
        if (p.tag() != null && !p.tag().isEmpty()) {
            state.add(new TsKvEntry(now, KvEntry.ofString("target_" + prefix + "tag", p.tag())));
        }
        saveTelemetry(deviceIds, state);
    }

    /**
     * Writes the same telemetry for many devices through the batched writer and waits for it; devices
     * the writer pushed back (its queue was full) are retried a few times.
     */
    private void saveTelemetry(List<UUID> deviceIds, List<TsKvEntry> entries) {
        List<UUID> pending = deviceIds;
        for (int attempt = 0; attempt < 5 && !pending.isEmpty(); attempt++) {
            if (attempt > 0) {
                sleep(200L * attempt);
            }
            List<CompletableFuture<Void>> futures = pending.stream().map(id -> telemetry.save(id, entries)).toList();
            List<UUID> failed = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
                    if (cause instanceof MoteException m && m.errorCode() == ErrorCode.SERVICE_UNAVAILABLE) {
                        failed.add(pending.get(i));
                    } else {
                        log.warn("Could not record the OTA state of device {}: {}", pending.get(i), e.toString());
                    }
                }
            }
            pending = failed;
        }
        if (!pending.isEmpty()) {
            log.warn("Could not record the OTA state of {} devices: telemetry queue full", pending.size());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the transport seam ----

    /** The package of this type assigned to the device (its own wins over its profile's). */
    public Optional<OtaPackageRef> assigned(DeviceInfo device, OtaPackageType type) {
        return packages.assignedTo(device.deviceId(), type == OtaPackageType.FIRMWARE).map(p -> new OtaPackageRef(
                p.id().id(), type, p.title(), p.version(), p.dataSize() == null ? 0 : p.dataSize(),
                p.checksumAlgorithm(), p.checksum(), p.fileName(), p.contentType(), p.url()));
    }

    /** Bytes [offset, offset + length) of the package's file: shorter at its end, empty past it. */
    public byte[] data(UUID packageId, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw MoteException.badRequest("Offset and length must not be negative");
        }
        if (length > MAX_READ) {
            throw MoteException.badRequest("At most " + MAX_READ + " bytes can be read at once");
        }
        return length == 0 ? new byte[0] : packages.read(packageId, offset, length);
    }
}
