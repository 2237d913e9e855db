package dev.plangate.platform;

import io.lettuce.core.RedisURI;

/** Where a Redis URL points, for the log: never its credentials. */
public final class RedisLocation {

	private RedisLocation() {
	}

	/** {@code host:port/database}. */
	public static String describe(String url) {
		try {
			var uri = RedisURI.create(url);
			var where = uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
			return where + "/" + uri.getDatabase() + (uri.isSsl() ? " (TLS)" : "");
		}
		catch (IllegalArgumentException ex) {
			return "an address that is not a Redis URL";
		}
	}

}
