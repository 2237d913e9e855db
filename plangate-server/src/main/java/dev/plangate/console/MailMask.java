package dev.plangate.console;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What the mail pages show of a mail's text: links and token-like words masked. A mail
 * may carry a single-use secret (a verification, reset or invitation link, whose token
 * may sit in its query or its path, as the operator's link templates put it); an operator
 * reading the outbox learns where a link pointed, never enough to follow it.
 */
final class MailMask {

	static final String HIDDEN = "[hidden]";

	/** A link: a scheme, then everything up to white space or a delimiter. */
	private static final Pattern LINK = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/\\s?#\"'<>]*)([^\\s\"'<>]*)");

	/**
	 * A word long enough and random-looking enough to be a token: 20 or more letters,
	 * digits, '-' or '_', with at least one digit.
	 */
	private static final Pattern TOKEN = Pattern.compile("(?<![\\w-])(?=[\\w-]*\\d)[\\w-]{20,}(?![\\w-])");

	private MailMask() {
	}

	/** The text with every link cut to its origin and every token-like word hidden. */
	static @Nullable String mask(@Nullable String text) {
		if (text == null) {
			return null;
		}
		var links = LINK.matcher(text);
		var out = new StringBuilder();
		while (links.find()) {
			var rest = links.group(3);
			links.appendReplacement(out,
					Matcher.quoteReplacement(links.group(1) + links.group(2) + (rest.isEmpty() ? "" : "/" + HIDDEN)));
		}
		links.appendTail(out);
		return TOKEN.matcher(out).replaceAll(Matcher.quoteReplacement(HIDDEN));
	}

}
