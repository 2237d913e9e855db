package dev.plangate.client;

import org.jspecify.annotations.Nullable;

/**
 * Every failure of a Plangate call. {@link PlangateApiException} and its subclasses are
 * answers of the server (a problem with a stable {@code code});
 * {@link PlangateConnectionException} is a server that could not be reached, after the
 * retries the {@link RetryPolicy} allows; {@link TrackBufferFullException} is a usage
 * event that {@link Plangate#track} could not take.
 */
public class PlangateException extends RuntimeException {

	protected PlangateException(String message) {
		super(message);
	}

	protected PlangateException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
