package dev.plangate.client;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of a list as Plangate answers it.
 *
 * @param data the page's items
 * @param nextCursor pass as {@code cursor} to read the next page; absent on the last one
 */
public record Page<T>(List<T> data, @Nullable String nextCursor) {

	public Page {
		data = List.copyOf(data);
	}

}
