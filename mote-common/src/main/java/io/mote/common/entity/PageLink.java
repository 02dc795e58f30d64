package io.mote.common.entity;

import io.mote.common.error.MoteException;

/**
 * A page request: size, number, optional text filter and sort. Any positive page size is accepted, as
 * ThingsBoard does (clients ask for "everything" with 999999999); a size above {@link #MAX_PAGE_SIZE} is
 * served as pages of that size, so one answer stays bounded in memory and page numbers, {@code totalPages}
 * and {@code hasNext} are those of the pages actually served.
 */
public record PageLink(int pageSize, int page, String textSearch, String sortProperty, boolean ascending) {

    public static final int MAX_PAGE_SIZE = 10_000;

    public PageLink {
        if (pageSize < 1) {
            throw MoteException.invalid("pageSize must be positive");
        }
        pageSize = Math.min(pageSize, MAX_PAGE_SIZE);
        if (page < 0) {
            throw MoteException.invalid("page must not be negative");
        }
        if (textSearch != null && textSearch.isBlank()) {
            textSearch = null;
        }
    }

    public static PageLink of(int pageSize, int page, String textSearch, String sortProperty, String sortOrder) {
        boolean asc = sortOrder == null || !sortOrder.equalsIgnoreCase("DESC");
        if (sortOrder != null && !sortOrder.equalsIgnoreCase("ASC") && !sortOrder.equalsIgnoreCase("DESC")) {
            throw MoteException.invalid("sortOrder must be ASC or DESC");
        }
        return new PageLink(pageSize, page, textSearch, sortProperty, asc);
    }

    public long offset() {
        return (long) page * pageSize;
    }
}
