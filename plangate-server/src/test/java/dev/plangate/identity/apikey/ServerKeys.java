package dev.plangate.identity.apikey;

/**
 * Server API keys for tests that start a server of their own and hand it its bootstrap
 * key (PLANGATE_BOOTSTRAP_API_KEY).
 */
public final class ServerKeys {

	private ServerKeys() {
	}

	/** A new, valid server key's secret. */
	public static String generate() {
		return ApiKeySecret.generate().text();
	}

}
