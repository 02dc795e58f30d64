package io.mote.common.entity;

import io.mote.common.error.MoteException;

/** A page request: size, number, optional text filter and sort. */
public record PageLink(int pageSize, int page, String textSearch, String sortProperty, boolean ascending) {

    public static final int MAX_PAGE_SIZE = 10_000;

    public PageLink {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw MoteException.invalid("pageSize must be between 1 and " + MAX_PAGE_SIZE);
        }
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
