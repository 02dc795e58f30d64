package io.mote.dao;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.entity.RpcStatus;

/** Persistent RPC rows; the status history is a JSON array appended to on every change. */
public class RpcDao {

    public record RpcRow(UUID id, long createdTime, UUID tenantId, UUID deviceId, int requestId, long expirationTime,
                         String request, String response, RpcStatus status, String additionalInfo,
                         String statusHistory) {
    }

    private static final Map<String, String> SORT = Map.of("createdTime", "created_time",
            "expirationTime", "expiration_time", "status", "status", "requestId", "request_id");

    private static final RowMapper<RpcRow> MAPPER = (rs, i) -> new RpcRow(rs.getObject("id", UUID.class),
            rs.getLong("created_time"), rs.getObject("tenant_id", UUID.class), rs.getObject("device_id", UUID.class),
            rs.getInt("request_id"), rs.getLong("expiration_time"), rs.getString("request"), rs.getString("response"),
            RpcStatus.valueOf(rs.getString("status")), rs.getString("additional_info"), rs.getString("status_history"));

    private final JdbcTemplate jdbc;

    public RpcDao(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(RpcRow r) {
        jdbc.update("""
                INSERT INTO rpc (id, created_time, tenant_id, device_id, request_id, expiration_time, request, response,
                                 status, additional_info, status_history)
                VALUES (?,?,?,?,?,?,?,?,?,?, jsonb_build_array(jsonb_build_object('status', ?::text, 'ts', ?::bigint))::text)
                """, r.id(), r.createdTime(), r.tenantId(), r.deviceId(), r.requestId(), r.expirationTime(),
                r.request(), r.response(), r.status().name(), r.additionalInfo(), r.status().name(), r.createdTime());
    }

    /**
     * Moves an RPC to a new status (and stores the response, when given) unless it is already final;
     * returns whether it changed.
     */
    public boolean updateStatus(UUID id, RpcStatus status, String response) {
        return jdbc.update("""
                UPDATE rpc SET status = ?, response = COALESCE(?, response),
                  status_history = (status_history::jsonb || jsonb_build_object('status', ?::text, 'ts', ?::bigint))::text
                WHERE id = ? AND status NOT IN ('SUCCESSFUL', 'TIMEOUT', 'EXPIRED', 'FAILED')
                """, status.name(), response, status.name(), System.currentTimeMillis(), id) > 0;
    }

    public Optional<RpcRow> find(UUID id) {
        return jdbc.query("SELECT * FROM rpc WHERE id = ?", MAPPER, id).stream().findFirst();
    }

    /** The open RPC of a device with the given per-device request id. */
    public Optional<RpcRow> findOpen(UUID deviceId, int requestId) {
        return jdbc.query("SELECT * FROM rpc WHERE device_id = ? AND request_id = ? AND status IN ('QUEUED', 'SENT', "
                + "'DELIVERED') ORDER BY created_time DESC LIMIT 1", MAPPER, deviceId, requestId).stream().findFirst();
    }

    /** RPC waiting for delivery to the device, oldest first. */
    public List<RpcRow> findQueued(UUID deviceId) {
        return jdbc.query("SELECT * FROM rpc WHERE device_id = ? AND status = 'QUEUED' ORDER BY request_id", MAPPER,
                deviceId);
    }

    /** Open RPC whose expiration time has passed. */
    public List<RpcRow> findExpired(long now) {
        return jdbc.query("SELECT * FROM rpc WHERE status IN ('QUEUED', 'SENT', 'DELIVERED') AND expiration_time < ?",
                MAPPER, now);
    }

    public int maxRequestId(UUID deviceId) {
        Integer max = jdbc.queryForObject("SELECT max(request_id) FROM rpc WHERE device_id = ?", Integer.class, deviceId);
        return max == null ? 0 : max;
    }

    public PageData<RpcRow> page(UUID deviceId, RpcStatus status, PageLink link) {
        PageQuery q = new PageQuery("rpc").eq("device_id", deviceId);
        if (status != null) {
            q.eq("status", status.name());
        }
        return q.search("request", link.textSearch()).fetch(jdbc, link, SORT, "created_time", MAPPER);
    }

    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM rpc WHERE id = ?", id) > 0;
    }
}
