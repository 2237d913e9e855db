package dev.plangate.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which URLs deliveries may go to: {@code http} or {@code https}, at most 2048
 * characters, with a host that resolves to public addresses only, unless
 * {@code plangate.webhooks.allow-private-addresses} lets them reach internal ones too. A
 * URL is checked when an endpoint is saved and again right before each delivery, since
 * what its host resolves to may change; a delivery then connects to the address that
 * check resolved, never to a second answer of the DNS (which could name an internal
 * address the check did not see).
 */
@Component
class WebhookAddresses {

	static final int MAX_URL = 2048;

	/** How a host name becomes its addresses: the system's resolver, or a test's. */
	@FunctionalInterface
	interface Resolver {

		InetAddress[] resolve(String host) throws UnknownHostException;

	}

	/**
	 * A URL checked for one delivery.
	 *
	 * @param address what its host resolved to when it was checked: where the delivery
	 * connects
	 */
	record Target(URI uri, InetAddress address) {
	}

	private final boolean allowPrivate;

	private final Resolver resolver;

	@Autowired
	WebhookAddresses(WebhookSettings settings) {
		this(settings.allowPrivateAddresses());
	}

	WebhookAddresses(boolean allowPrivate) {
		this(allowPrivate, InetAddress::getAllByName);
	}

	WebhookAddresses(boolean allowPrivate, Resolver resolver) {
		this.allowPrivate = allowPrivate;
		this.resolver = resolver;
	}

	/** The URL, or why it is no webhook URL at all (its form). */
	static URI parse(String url) {
		if (url.length() > MAX_URL) {
			throw new Refused(false, "is longer than " + MAX_URL + " characters");
		}
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new Refused(false, "is not a URL: " + ex.getReason());
		}
		var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new Refused(false,
					"must be an http or https URL, not '" + (scheme.isEmpty() ? url : scheme + ":") + "'");
		}
		if (uri.getHost() == null || uri.getHost().isEmpty()) {
			throw new Refused(false, "has no host");
		}
		if (uri.getRawUserInfo() != null) {
			throw new Refused(false, "must not carry a user name or password");
		}
		if (uri.getRawFragment() != null) {
			throw new Refused(false, "must not have a fragment (#…)");
		}
		return uri;
	}

	/**
	 * Checks {@code url} whole: its form, and every address its host resolves to.
	 * @throws Refused saying why
	 */
	URI check(String url) {
		return resolve(url).uri();
	}

	/**
	 * Checks {@code url} as {@link #check} does, and answers the address to connect to:
	 * the first of those checked.
	 * @throws Refused saying why
	 */
	Target resolve(String url) {
		var uri = parse(url);
		var host = uri.getHost();
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		InetAddress[] addresses;
		try {
			addresses = resolver.resolve(host);
		}
		catch (UnknownHostException ex) {
			throw new Refused(false, "names host '" + host + "', which does not resolve");
		}
		if (addresses.length == 0) {
			throw new Refused(false, "names host '" + host + "', which does not resolve");
		}
		if (!allowPrivate) {
			for (var address : addresses) {
				forbidden(address).ifPresent(kind -> {
					throw new Refused(true, "resolves to " + kind + " address " + address.getHostAddress()
							+ ", which webhooks may not reach");
				});
			}
		}
		return new Target(uri, addresses[0]);
	}

	/** What kind of internal address {@code address} is, if it is one. */
	static Optional<String> forbidden(InetAddress address) {
		if (address.isLoopbackAddress()) {
			return Optional.of("loopback");
		}
		if (address.isAnyLocalAddress()) {
			return Optional.of("unspecified");
		}
		if (address.isLinkLocalAddress()) {
			return Optional.of("link-local");
		}
		if (address.isSiteLocalAddress()) {
			return Optional.of("private");
		}
		if (address.isMulticastAddress()) {
			return Optional.of("multicast");
		}
		var bytes = address.getAddress();
		if (address instanceof Inet6Address) {
			if ((bytes[0] & 0xfe) == 0xfc) {
				return Optional.of("unique-local");
			}
			// an IPv4 address mapped or translated into IPv6 is judged as that address
			boolean mapped = true;
			for (int i = 0; i < 10; i++) {
				mapped &= bytes[i] == 0;
			}
			if (mapped && (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff) {
				try {
					return forbidden(InetAddress.getByAddress(java.util.Arrays.copyOfRange(bytes, 12, 16)));
				}
				catch (UnknownHostException ex) {
					return Optional.of("malformed");
				}
			}
			return Optional.empty();
		}
		int first = bytes[0] & 0xff;
		int second = bytes[1] & 0xff;
		if (first == 0) {
			return Optional.of("unspecified");
		}
		if (first == 100 && second >= 64 && second <= 127) {
			return Optional.of("shared (carrier-grade NAT)");
		}
		if (first >= 240) {
			return Optional.of("reserved");
		}
		return Optional.empty();
	}

	/**
	 * A URL webhooks may not use.
	 *
	 * @param address true when the URL is well formed but reaches a forbidden address
	 */
	static final class Refused extends RuntimeException {

		private final boolean address;

		Refused(boolean address, String reason) {
			super(reason);
			this.address = address;
		}

		boolean address() {
			return address;
		}

	}

}
