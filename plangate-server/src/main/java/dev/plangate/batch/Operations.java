package dev.plangate.batch;

/** The shape of operation types, as products name them ({@code spawn_agent}). */
final class Operations {

	static final String TYPE = "[a-z][a-z0-9_.-]{0,63}";

	private Operations() {
	}

}
