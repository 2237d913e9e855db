package dev.plangate.identity.apikey;

/**
 * A valid server key for the bench to give the server it starts as its bootstrap key: the
 * server's own generator, reached from its package, so that the bench does not copy the
 * key format and its checksum.
 */
public final class ServerKeys {

	private ServerKeys() {
	}

	public static String generate() {
		return ApiKeySecret.generate().text();
	}

}
