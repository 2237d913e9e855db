package dev.plangate.console;

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
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A browser's part in the console's HTTP exchanges, without a browser: it keeps cookies,
 * follows no redirect, and sends forms with the CSRF token of the last page it read.
 */
final class ConsoleClient {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

	private final int port;

	private final Map<String, String> cookies = new LinkedHashMap<>();

	private @Nullable String csrf;

	ConsoleClient(int port) {
		this.port = port;
	}

	record Page(int status, String body, HttpResponse<String> response) {

		@Nullable String location() {
			return response.headers().firstValue("Location").orElse(null);
		}

		@Nullable String header(String name) {
			return response.headers().firstValue(name).orElse(null);
		}

		List<String> setCookies() {
			return response.headers().allValues("Set-Cookie");
		}

		@Override
		public String toString() {
			return status + " " + response.headers().map() + "\n" + body;
		}

	}

	Page get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	Page get(String path, String authorization) {
		return send(HttpRequest.newBuilder(uri(path)).header("Authorization", authorization).GET());
	}

	/** Posts the form with the CSRF token of the last page read. */
	Page post(String path, Map<String, String> form) {
		var fields = new LinkedHashMap<>(form);
		if (csrf != null) {
			fields.putIfAbsent("_csrf", csrf);
		}
		return postRaw(path, fields);
	}

	/** Posts exactly these fields. */
	Page postRaw(String path, Map<String, String> fields) {
		var body = fields.entrySet()
			.stream()
			.map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	/** Signs in with the password, then the code; answers the last answer. */
	Page signIn(String login, String password, String code) {
		get("/console/login");
		var first = post("/console/login", Map.of("login", login, "password", password));
		if (first.status() != 302) {
			return first;
		}
		get("/console/login/code");
		return post("/console/login/code", Map.of("code", code));
	}

	@Nullable String cookie(String name) {
		return cookies.get(name);
	}

	private Page send(HttpRequest.Builder request) {
		if (!cookies.isEmpty()) {
			request.header("Cookie",
					cookies.entrySet()
						.stream()
						.map(e -> e.getKey() + "=" + e.getValue())
						.collect(Collectors.joining("; ")));
		}
		try {
			var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			for (var header : response.headers().allValues("Set-Cookie")) {
				var pair = header.split(";", 2)[0];
				var eq = pair.indexOf('=');
				var name = pair.substring(0, eq);
				var value = pair.substring(eq + 1);
				if (value.isEmpty() || header.contains("Max-Age=0")) {
					cookies.remove(name);
				}
				else {
					cookies.put(name, value);
				}
			}
			var matcher = CSRF.matcher(response.body());
			if (matcher.find()) {
				csrf = matcher.group(1);
			}
			return new Page(response.statusCode(), response.body(), response);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + port + path);
	}

}
