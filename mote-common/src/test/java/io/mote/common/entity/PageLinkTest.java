package io.mote.common.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mote.common.error.MoteException;

class PageLinkTest {

    @Test
    void aHugePageSizeIsServedInPagesOfTheMaximumWithATruthfulHasNext() {
        PageLink first = PageLink.of(999_999_999, 0, null, null, null);
        assertThat(first.pageSize()).isEqualTo(PageLink.MAX_PAGE_SIZE);
        assertThat(first.offset()).isZero();
        PageData<Integer> p0 = PageData.of(List.of(), 25_000, first.pageSize(), first.page());
        assertThat(p0.hasNext()).isTrue();
        assertThat(p0.totalPages()).isEqualTo(3);

        PageLink last = PageLink.of(999_999_999, 2, null, null, null);
        assertThat(last.offset()).isEqualTo(20_000);
        assertThat(PageData.of(List.of(), 25_000, last.pageSize(), last.page()).hasNext()).isFalse();
    }

    @Test
    void aPageSizeBelowOneIsRefused() {
        assertThatThrownBy(() -> PageLink.of(0, 0, null, null, null)).isInstanceOf(MoteException.class)
                .hasMessageContaining("pageSize");
    }
}
