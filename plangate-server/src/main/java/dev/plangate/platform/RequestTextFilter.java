package dev.plangate.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses, before anything parses them and before any credential is checked, the parts of
 * a request line and the media-type headers that Plangate cannot read: a path segment or
 * query parameter that is not percent-encoded UTF-8 or that holds a control character
 * (see {@link ControlCharacters}) is a 400 naming it; a {@code Content-Type} that is no
 * concrete media type, or that names another charset than UTF-8, is a 415; an
 * {@code Accept} that does not parse is a 400. Answered here, in one place, they never
 * reach code that would fail on them with a 500.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class RequestTextFilter extends OncePerRequestFilter {

	/** The field named for a refused path segment. */
	static final String PATH = "(path)";

	/** The field named for a refused query parameter name. */
	static final String QUERY = "(query)";

	/** The charsets a JSON body may name: UTF-8, and ASCII, which is a part of it. */
	private static final Set<String> UTF_8_NAMES = Set.of("utf-8", "utf8", "us-ascii");

	private final JsonMapper json;

	RequestTextFilter(JsonMapper json) {
		this.json = json;
	}

	private record Refusal(ErrorCode code, String detail, List<FieldError> errors) {
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		var refusal = refusal(request);
		if (refusal != null) {
			ProblemResponses.write(request, response, json, refusal.code(), refusal.detail(), refusal.errors());
			return;
		}
		chain.doFilter(request, response);
	}

	private static @Nullable Refusal refusal(HttpServletRequest request) {
		var path = path(request.getRequestURI());
		if (path != null) {
			return invalid(PATH, path);
		}
		var query = query(request.getQueryString());
		if (query != null) {
			return query;
		}
		String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
		if (contentType != null) {
			var type = concrete(contentType);
			if (type == null) {
				return new Refusal(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
						"Content-Type '" + printable(contentType) + "' is not a media type; send application/json",
						List.of(new FieldError(HttpHeaders.CONTENT_TYPE,
								"must be a media type such as application/json")));
			}
			var charset = type.getParameter("charset");
			if (charset != null && !UTF_8_NAMES.contains(unquoted(charset).toLowerCase(Locale.ROOT))) {
				return new Refusal(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
						"JSON is UTF-8 (RFC 8259): a body in charset '" + printable(charset)
								+ "' is not read; send UTF-8",
						List.of(new FieldError(HttpHeaders.CONTENT_TYPE, "must be UTF-8, or name no charset")));
			}
		}
		var accept = Collections.list(request.getHeaders(HttpHeaders.ACCEPT));
		if (!accept.isEmpty()) {
			try {
				MediaType.parseMediaTypes(accept);
			}
			catch (InvalidMediaTypeException ex) {
				return invalid(HttpHeaders.ACCEPT, "must be a list of media types such as application/json");
			}
		}
		return null;
	}

	private static @Nullable String path(@Nullable String uri) {
		if (uri == null) {
			return null;
		}
		for (String segment : uri.split("/")) {
			var problem = problem(segment, false);
			if (problem != null) {
				return problem;
			}
		}
		return null;
	}

	private static @Nullable Refusal query(@Nullable String query) {
		if (query == null || query.isEmpty()) {
			return null;
		}
		for (String pair : query.split("&")) {
			int eq = pair.indexOf('=');
			String rawName = eq < 0 ? pair : pair.substring(0, eq);
			var nameProblem = problem(rawName, true);
			if (nameProblem != null) {
				return invalid(QUERY, "a parameter name " + nameProblem);
			}
			if (eq >= 0) {
				var valueProblem = problem(pair.substring(eq + 1), true);
				if (valueProblem != null) {
					return invalid(String.valueOf(decode(rawName, true)), valueProblem);
				}
			}
		}
		return null;
	}

	/** What is wrong with an encoded segment or parameter, or null. */
	private static @Nullable String problem(String raw, boolean plusIsSpace) {
		String decoded = decode(raw, plusIsSpace);
		if (decoded == null) {
			return "is not valid percent-encoded UTF-8";
		}
		var found = ControlCharacters.inName(decoded);
		return found.isPresent() ? ControlCharacters.describe(found.getAsInt()) : null;
	}

	/** The text {@code raw} percent-encodes, or null when it is not valid UTF-8. */
	private static @Nullable String decode(String raw, boolean plusIsSpace) {
		if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
			return raw;
		}
		var bytes = new ByteArrayOutputStream(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c == '%') {
				if (i + 2 >= raw.length()) {
					return null;
				}
				int high = Character.digit(raw.charAt(i + 1), 16);
				int low = Character.digit(raw.charAt(i + 2), 16);
				if (high < 0 || low < 0) {
					return null;
				}
				bytes.write(high << 4 | low);
				i += 2;
			}
			else if (c == '+' && plusIsSpace) {
				bytes.write(' ');
			}
			else {
				byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
				bytes.write(encoded, 0, encoded.length);
			}
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes.toByteArray()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	/**
	 * The media type {@code contentType} names, or null when it names no concrete one.
	 */
	private static @Nullable MediaType concrete(String contentType) {
		try {
			var type = MediaType.parseMediaType(contentType);
			return type.isWildcardType() || type.isWildcardSubtype() ? null : type;
		}
		catch (InvalidMediaTypeException ex) {
			return null;
		}
	}

	private static String unquoted(String value) {
		return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
				? value.substring(1, value.length() - 1) : value;
	}

	private static Refusal invalid(String field, String message) {
		return new Refusal(ErrorCode.INVALID_REQUEST, "Invalid field '" + field + "'",
				List.of(new FieldError(field, message)));
	}

	private static String printable(String text) {
		var shown = text.length() > 100 ? text.substring(0, 100) + "…" : text;
		return shown.replaceAll("\\p{Cntrl}", "?");
	}

}
