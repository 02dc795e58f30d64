package io.mote.dao;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Maps telemetry and attribute keys to the small integers stored in the value tables. Ids are cached
 * for the life of the process: a key, once created, never changes its id.
 */
public class KeyDictionary {

    private final JdbcTemplate jdbc;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, String> keys = new ConcurrentHashMap<>();

    public KeyDictionary(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The key's id, created when the key is new. */
    public int idOf(String key) {
        Integer id = ids.get(key);
        if (id != null) {
            return id;
        }
        if (key.indexOf('\u0000') >= 0) {
            // PostgreSQL text cannot hold NUL: the database's error was a 500.
            throw io.mote.common.error.MoteException.invalid("A key cannot contain the NUL character");
        }
        jdbc.update("INSERT INTO key_dictionary (key) VALUES (?) ON CONFLICT (key) DO NOTHING", key);
        int created = jdbc.queryForObject("SELECT key_id FROM key_dictionary WHERE key = ?", Integer.class, key);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // Inside a transaction the new row exists only once it commits: a rollback must not leave
            // the id cached for a key that is not in the table.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    remember(key, created);
                }
            });
            return created;
        }
        return remember(key, created);
    }

    /** The key's id when the key exists; reads never create keys. */
    public Optional<Integer> find(String key) {
        Integer id = ids.get(key);
        if (id != null) {
            return Optional.of(id);
        }
        if (key.indexOf('\u0000') >= 0) {
            return Optional.empty(); // no key can hold NUL
        }
        return jdbc.queryForList("SELECT key_id FROM key_dictionary WHERE key = ?", Integer.class, key).stream()
                .findFirst().map(found -> remember(key, found));
    }

    public String keyOf(int id) {
        String key = keys.get(id);
        if (key == null) {
            key = jdbc.queryForObject("SELECT key FROM key_dictionary WHERE key_id = ?", String.class, id);
            remember(key, id);
        }
        return key;
    }

    private int remember(String key, Integer id) {
        ids.put(key, id);
        keys.put(id, key);
        return id;
    }
}
