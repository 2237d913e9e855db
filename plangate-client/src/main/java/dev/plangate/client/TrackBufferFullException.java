package dev.plangate.client;

/**
 * {@link Plangate#track} found its buffer full for as long as it may wait
 * ({@link Plangate.Builder#trackBlockTimeout}): the event was <em>not</em> taken, and it
 * is the caller's to keep, retry or give up. Thrown when Plangate cannot take events as
 * fast as they are tracked (it is unreachable, or far slower than the product).
 */
public final class TrackBufferFullException extends PlangateException {

	TrackBufferFullException(String message) {
		super(message);
	}

}
