package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.mote.dao.KeyDictionary;

/** Key ids created inside a transaction that rolls back must not outlive it in the cache. */
class KeyDictionaryTest {

    private final TestServer server = TestServer.shared();

    @Test
    void keyCreatedInARolledBackTransactionIsCreatedAgain() {
        KeyDictionary dictionary = server.bean(KeyDictionary.class);
        TransactionTemplate tx = server.bean(TransactionTemplate.class);
        JdbcTemplate jdbc = server.bean(JdbcTemplate.class);
        String key = "rolled-back-" + UUID.randomUUID();

        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            dictionary.idOf(key);
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");

        int id = dictionary.idOf(key);
        assertThat(jdbc.queryForObject("SELECT key FROM key_dictionary WHERE key_id = ?", String.class, id))
                .isEqualTo(key);
    }
}
