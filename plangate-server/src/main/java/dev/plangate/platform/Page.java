package dev.plangate.platform;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of a list: its items and the cursor for the next page, absent on the last one.
 *
 * @param nextCursor pass as {@code cursor} to read on
 */
public record Page<T>(List<T> data, @Nullable String nextCursor) {
}
