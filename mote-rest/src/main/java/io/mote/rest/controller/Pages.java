package io.mote.rest.controller;

import io.mote.common.entity.PageLink;

/** Builds a {@link PageLink} from the paging parameters every listing takes. */
final class Pages {

    private Pages() {
    }

    static PageLink link(int pageSize, int page, String textSearch, String sortProperty, String sortOrder) {
        return PageLink.of(pageSize, page, textSearch, sortProperty, sortOrder);
    }
}
