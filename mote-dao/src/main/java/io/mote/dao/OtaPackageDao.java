package io.mote.dao;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import io.mote.common.entity.OtaPackageInfo;
import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.id.EntityType;

/**
 * OTA packages and their files. A file is kept in {@link #CHUNK_SIZE} chunks so that it is written and
 * read a chunk at a time, never whole in memory.
 */
public class OtaPackageDao {

    /** Bytes per stored chunk; every chunk but the last is exactly this long. */
    public static final int CHUNK_SIZE = 1024 * 1024;

    /** Sees each chunk of a file as it is stored. */
    @FunctionalInterface
    public interface ChunkListener {
        void accept(byte[] buffer, int length);
    }

    private static final Map<String, String> SORT = Map.ofEntries(Map.entry("createdTime", "created_time"),
            Map.entry("title", "title"), Map.entry("version", "version"), Map.entry("type", "type"),
            Map.entry("tag", "tag"), Map.entry("url", "url"), Map.entry("fileName", "file_name"),
            Map.entry("dataSize", "data_size"), Map.entry("checksum", "checksum"),
            Map.entry("checksumAlgorithm", "checksum_algorithm"), Map.entry("contentType", "content_type"));

    private static final RowMapper<OtaPackageInfo> MAPPER = (rs, i) -> new OtaPackageInfo(
            Rows.id(rs, "id", EntityType.OTA_PACKAGE), rs.getLong("created_time"),
            Rows.id(rs, "tenant_id", EntityType.TENANT), Rows.id(rs, "device_profile_id", EntityType.DEVICE_PROFILE),
            rs.getString("type"), rs.getString("title"), rs.getString("version"), rs.getString("tag"),
            rs.getString("url"), rs.getBoolean("has_data"), rs.getString("file_name"), rs.getString("content_type"),
            rs.getString("checksum_algorithm"), rs.getString("checksum"), Rows.nullableLong(rs, "data_size"),
            Rows.id(rs, "external_id", EntityType.OTA_PACKAGE), Rows.json(rs, "additional_info"));

    private final JdbcTemplate jdbc;

    public OtaPackageDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(OtaPackageInfo p) {
        jdbc.update("""
                INSERT INTO ota_package (id, created_time, tenant_id, device_profile_id, type, title, version, tag, url,
                  has_data, file_name, content_type, checksum_algorithm, checksum, data_size, external_id,
                  additional_info)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """, p.id().id(), p.createdTime(), p.tenantId().id(), p.deviceProfileId().id(), p.type(), p.title(),
                p.version(), p.tag(), p.url(), p.hasData(), p.fileName(), p.contentType(), p.checksumAlgorithm(),
                p.checksum(), p.dataSize(), Rows.uuid(p.externalId()), Rows.json(p.additionalInfo()));
    }

    /** Changes what may change once a package exists: its tag and additional info. */
    public void updateInfo(OtaPackageInfo p) {
        jdbc.update("UPDATE ota_package SET tag = ?, additional_info = ? WHERE id = ?", p.tag(),
                Rows.json(p.additionalInfo()), p.id().id());
    }

    public Optional<OtaPackageInfo> find(UUID id) {
        return jdbc.query("SELECT * FROM ota_package WHERE id = ?", MAPPER, id).stream().findFirst();
    }

    /** The device's package of a kind ({@code firmware} or software): its own, else its profile's. */
    public Optional<OtaPackageInfo> assignedTo(UUID deviceId, boolean firmware) {
        String column = firmware ? "firmware_id" : "software_id";
        return jdbc.query("SELECT p.* FROM device d JOIN device_profile dp ON dp.id = d.device_profile_id "
                + "JOIN ota_package p ON p.id = COALESCE(d." + column + ", dp." + column + ") WHERE d.id = ?",
                MAPPER, deviceId).stream().findFirst();
    }

    /** The package, locked until the end of the transaction (call inside one). */
    public Optional<OtaPackageInfo> findForUpdate(UUID id) {
        return jdbc.query("SELECT * FROM ota_package WHERE id = ? FOR UPDATE", MAPPER, id).stream().findFirst();
    }

    /** A tenant's packages, searched by title. */
    public PageData<OtaPackageInfo> page(UUID tenantId, PageLink link) {
        return new PageQuery("ota_package").eq("tenant_id", tenantId).search("title", link.textSearch())
                .fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    /** The packages of a profile and type that can be assigned: those with a file or a URL. */
    public PageData<OtaPackageInfo> assignable(UUID tenantId, UUID profileId, String type, PageLink link) {
        return new PageQuery("ota_package").eq("tenant_id", tenantId).eq("device_profile_id", profileId)
                .eq("type", type).condition("(has_data OR url IS NOT NULL)").search("title", link.textSearch())
                .fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    /**
     * Stores the stream as the package's file, chunk by chunk, showing each chunk to the listener first;
     * returns the number of bytes. Call inside a transaction, so that a failure stores nothing.
     */
    public long writeData(UUID id, InputStream in, ChunkListener listener) throws IOException {
        byte[] buffer = new byte[CHUNK_SIZE];
        long total = 0;
        int chunkNo = 0;
        while (true) {
            int n = in.readNBytes(buffer, 0, CHUNK_SIZE);
            if (n == 0) {
                break;
            }
            listener.accept(buffer, n);
            int no = chunkNo++;
            jdbc.update(con -> {
                var ps = con.prepareStatement("INSERT INTO ota_package_data (package_id, chunk_no, data) VALUES (?,?,?)");
                ps.setObject(1, id);
                ps.setInt(2, no);
                ps.setBinaryStream(3, new ByteArrayInputStream(buffer, 0, n), n);
                return ps;
            });
            total += n;
            if (n < CHUNK_SIZE) {
                break;
            }
        }
        return total;
    }

    /** Records the stored file's description. */
    public void setData(UUID id, String fileName, String contentType, String checksumAlgorithm, String checksum,
                        long size) {
        jdbc.update("""
                UPDATE ota_package SET has_data = true, file_name = ?, content_type = ?, checksum_algorithm = ?,
                  checksum = ?, data_size = ? WHERE id = ?
                """, fileName, contentType, checksumAlgorithm, checksum, size, id);
    }

    /** One stored chunk, or null past the end. */
    public byte[] chunk(UUID id, int chunkNo) {
        List<byte[]> rows = jdbc.query("SELECT data FROM ota_package_data WHERE package_id = ? AND chunk_no = ?",
                (rs, i) -> rs.getBytes(1), id, chunkNo);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Bytes [offset, offset + length) of the file: shorter at its end, empty past it. */
    public byte[] read(UUID id, long offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(length, CHUNK_SIZE));
        long end = offset + length;
        long pos = offset;
        while (pos < end) {
            int chunkNo = (int) (pos / CHUNK_SIZE);
            int within = (int) (pos % CHUNK_SIZE);
            int want = (int) Math.min(end - pos, CHUNK_SIZE - within);
            // substring() counts from 1; on uncompressed storage it reads only the slice it returns.
            List<byte[]> rows = jdbc.query(
                    "SELECT substring(data from ? for ?) FROM ota_package_data WHERE package_id = ? AND chunk_no = ?",
                    (rs, i) -> rs.getBytes(1), within + 1, want, id, chunkNo);
            if (rows.isEmpty()) {
                break;
            }
            byte[] part = rows.get(0);
            out.writeBytes(part);
            pos += part.length;
            if (part.length < want) {
                break;
            }
        }
        return out.toByteArray();
    }

    /** Whether a profile ({@code "profile"}) or a device ({@code "device"}) refers to the package; null if none. */
    public String referencedBy(UUID id) {
        if (Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM device_profile WHERE firmware_id = ? OR software_id = ?)",
                Boolean.class, id, id))) {
            return "profile";
        }
        if (Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM device WHERE firmware_id = ?) OR EXISTS (SELECT 1 FROM device WHERE software_id = ?)",
                Boolean.class, id, id))) {
            return "device";
        }
        return null;
    }

    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM ota_package WHERE id = ?", id) > 0;
    }
}
