package io.mote.dao;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One transaction on a connection the caller holds (a writer's, or one carrying a session lock): committed
 * when the work returns, rolled back when it throws, the connection's auto-commit restored either way.
 */
final class Transactions {

    interface Work<T> {
        T run() throws SQLException;
    }

    private Transactions() {
    }

    static <T> T run(Connection c, Work<T> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
