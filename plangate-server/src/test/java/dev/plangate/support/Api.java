package dev.plangate.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client for the running server. Bodies are sent as written, so tests can
 * send malformed JSON, and answers are parsed into trees so tests assert on exactly what
 * a client sees.
 */
public final class Api {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final String base;

	private final @Nullable String key;

	public Api(int port, @Nullable String key) {
		this.base = "http://127.0.0.1:" + port;
		this.key = key;
	}

	/** The credential this client sends, if any. */
	public @Nullable String key() {
		return key;
	}

	/** The same server, another credential ({@code null}: none). */
	public Api withKey(@Nullable String otherKey) {
		return new Api(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherKey);
	}

	public Response get(String path) {
		return send("GET", path, null, Map.of());
	}

	public Response put(String path, String body) {
		return send("PUT", path, body, Map.of());
	}

	public Response post(String path, @Nullable String body) {
		return send("POST", path, body, Map.of());
	}

	public Response delete(String path) {
		return send("DELETE", path, null, Map.of());
	}

	public Response send(String method, String path, @Nullable String body, Map<String, String> headers) {
		if (body == null) {
			return sendRaw(method, path, HttpRequest.BodyPublishers.noBody(), headers);
		}
		var withType = new LinkedHashMap<String, String>();
		withType.put("Content-Type", "application/json");
		withType.putAll(headers);
		return sendRaw(method, path, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), withType);
	}

	/**
	 * A request whose body and headers are exactly as given: no Content-Type of its own,
	 * and the body as published (chunked when its length is not known), with this
	 * client's key.
	 */
	public Response sendRaw(String method, String path, HttpRequest.BodyPublisher body, Map<String, String> headers) {
		var request = HttpRequest.newBuilder(URI.create(base + path)).method(method, body);
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		headers.forEach(request::header);
		try {
			var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body(), response.headers().map());
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(method + " " + path + " interrupted", ex);
		}
	}

	/** A path segment, URL-encoded. */
	public static String encode(String segment) {
		return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/** JSON text from a map or record, for request bodies. */
	public static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

	public record Response(int status, String text, Map<String, List<String>> headers) {

		public JsonNode body() {
			return text.isEmpty() ? JSON.missingNode() : JSON.readTree(text);
		}

		public @Nullable String header(String name) {
			return headers.entrySet()
				.stream()
				.filter(e -> e.getKey().equalsIgnoreCase(name))
				.map(e -> e.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		/** The problem's {@code code}, for error answers. */
		public String code() {
			return body().path("code").asString("");
		}

		@Override
		public String toString() {
			return status + " " + text;
		}
	}

}
