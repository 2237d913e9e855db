package dev.plangate.batch;

import java.util.Locale;

/**
 * Where an operation is: {@code pending} until its batch lets it run (admission, or its
 * turn in a sequential batch), {@code ready} to be dispatched, {@code running} under a
 * worker's lease, then final.
 */
public enum OperationStatus {

	PENDING, READY, RUNNING, SUCCEEDED, FAILED, CANCELLED;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	public boolean isFinal() {
		return ordinal() >= SUCCEEDED.ordinal();
	}

	static OperationStatus of(String id) {
		return valueOf(id.toUpperCase(Locale.ROOT));
	}

}
