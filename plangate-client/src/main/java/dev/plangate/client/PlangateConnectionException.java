package dev.plangate.client;

import org.jspecify.annotations.Nullable;

/**
 * Plangate could not be reached, or did not answer in time, on every attempt the
 * {@link RetryPolicy} allowed (or the calling thread was interrupted meanwhile). A
 * mutating call that ends so may or may not have been applied: call it again with the
 * same idempotency key to find out without doing it twice.
 */
public final class PlangateConnectionException extends PlangateException {

	PlangateConnectionException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
