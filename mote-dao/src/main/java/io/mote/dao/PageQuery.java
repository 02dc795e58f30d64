package io.mote.dao;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import io.mote.common.entity.PageData;
import io.mote.common.entity.PageLink;
import io.mote.common.error.MoteException;

/**
 * Builds a paged listing: a WHERE clause from conditions, a case-insensitive text search over one
 * column, a sort from a whitelist of properties, and the total count.
 */
final class PageQuery {

    private final String table;
    private final StringBuilder where = new StringBuilder(" WHERE true");
    private final List<Object> args = new ArrayList<>();

    PageQuery(String table) {
        this.table = table;
    }

    PageQuery eq(String column, Object value) {
        where.append(" AND ").append(column).append(" = ?");
        args.add(value);
        return this;
    }

    PageQuery in(String column, java.util.Collection<?> values) {
        where.append(" AND ").append(column).append(" IN (")
                .append(String.join(",", java.util.Collections.nCopies(values.size(), "?"))).append(")");
        args.addAll(values);
        return this;
    }

    /** A condition without parameters, written by the caller (never from request input). */
    PageQuery condition(String sql) {
        where.append(" AND ").append(sql);
        return this;
    }

    PageQuery search(String column, String text) {
        return like(column, "%", text);
    }

    /** Case-insensitive: the column starts with the text. */
    PageQuery startsWith(String column, String text) {
        return like(column, "", text);
    }

    private PageQuery like(String column, String before, String text) {
        if (text != null) {
            where.append(" AND ").append(column).append(" ILIKE ? ESCAPE '\\'");
            args.add(before + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        return this;
    }

    /** Runs the query; {@code sortable} maps the API's sort property names to columns. */
    <T> PageData<T> fetch(JdbcTemplate jdbc, PageLink link, Map<String, String> sortable, String defaultSort,
                          RowMapper<T> mapper) {
        String sortColumn = defaultSort;
        if (link.sortProperty() != null && !link.sortProperty().isBlank()) {
            sortColumn = sortable.get(link.sortProperty());
            if (sortColumn == null) {
                throw MoteException.invalid("Unsupported sortProperty '" + link.sortProperty() + "'; use one of "
                        + String.join(", ", sortable.keySet()));
            }
        }
        Long total = jdbc.queryForObject("SELECT count(*) FROM " + table + where, Long.class, args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(link.pageSize());
        pageArgs.add(link.offset());
        List<T> data = jdbc.query("SELECT * FROM " + table + where + " ORDER BY " + sortColumn
                + (link.ascending() ? " ASC" : " DESC") + ", id ASC LIMIT ? OFFSET ?", mapper, pageArgs.toArray());
        return PageData.of(data, total == null ? 0 : total, link.pageSize(), link.page());
    }
}
