package dev.plangate.platform;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of a list: its items and the cursor for the next page, absent on the last one.
 * Every list the API answers has this shape, the short ones that fit on one page too.
 *
 * @param nextCursor pass as {@code cursor} to read on
 */
public record Page<T>(List<T> data, @Nullable String nextCursor) {

	/** A whole list, on one page. */
	public static <T> Page<T> of(List<T> data) {
		return new Page<>(data, null);
	}

}
