package io.mote.common.entity;

import java.util.List;
import java.util.function.Function;

/** One page of a listing, in ThingsBoard's shape. */
public record PageData<T>(List<T> data, int totalPages, long totalElements, boolean hasNext) {

    public static <T> PageData<T> of(List<T> data, long total, int pageSize, int page) {
        int pages = pageSize <= 0 ? 0 : (int) ((total + pageSize - 1) / pageSize);
        return new PageData<>(data, pages, total, (long) (page + 1) * pageSize < total);
    }

    public <R> PageData<R> map(Function<T, R> f) {
        return new PageData<>(data.stream().map(f).toList(), totalPages, totalElements, hasNext);
    }
}
