package dev.plangate.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * Posts deliveries, each to the address that {@link WebhookAddresses} resolved and
 * checked for it: the connection is made to that address, while the {@code Host} header,
 * TLS server name and certificate check use the URL's host, so a DNS answer that changes
 * between the check and the connection (a rebinding) cannot lead a delivery to an address
 * the check refuses. Connections are kept open for the next deliveries to the same host
 * and address, a minute at most, so that a delivery costs no new connection.
 */
final class WebhookSender implements AutoCloseable {

	/** What the delivery log keeps of an answer. */
	static final int KEPT_BODY = 1024;

	/** The outcome of one attempt. */
	record Outcome(@Nullable Integer status, @Nullable String error, @Nullable String body) {

		boolean succeeded() {
			return status != null && status >= 200 && status < 300 && error == null;
		}

	}

	private static final ContentType JSON = ContentType.create("application/json");

	private final WebhookAddresses addresses;

	private final Duration requestTimeout;

	private final int maxResponseBytes;

	private final CloseableHttpClient http;

	private final ScheduledExecutorService deadlines;

	WebhookSender(WebhookAddresses addresses, Duration connectTimeout, Duration requestTimeout, int maxResponseBytes,
			int connections) {
		this(addresses, connectTimeout, requestTimeout, maxResponseBytes, connections, SSLContexts.createDefault());
	}

	/** With {@code tls} deciding which servers' certificates are trusted. */
	WebhookSender(WebhookAddresses addresses, Duration connectTimeout, Duration requestTimeout, int maxResponseBytes,
			int connections, SSLContext tls) {
		this.addresses = addresses;
		this.requestTimeout = requestTimeout;
		this.maxResponseBytes = maxResponseBytes;
		var read = Timeout.ofMilliseconds(requestTimeout.toMillis());
		var pool = PoolingHttpClientConnectionManagerBuilder.create()
			.setMaxConnTotal(connections)
			.setMaxConnPerRoute(connections)
			// every target carries its checked address: a name reaching the resolver
			// would be one nobody checked
			.setDnsResolver(new Unresolving())
			// the server name and the certificate check take the target's name, the URL's
			// host
			.setTlsSocketStrategy(ClientTlsStrategyBuilder.create().setSslContext(tls).buildClassic())
			.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(read).setTcpNoDelay(true).build())
			.setDefaultConnectionConfig(ConnectionConfig.custom()
				.setConnectTimeout(
						Timeout.ofMilliseconds(Math.min(connectTimeout.toMillis(), requestTimeout.toMillis())))
				.setSocketTimeout(read)
				.setTimeToLive(TimeValue.ofMinutes(1))
				.setValidateAfterInactivity(TimeValue.ofMilliseconds(500))
				.build())
			.build();
		this.http = HttpClients.custom()
			.setConnectionManager(pool)
			.setDefaultRequestConfig(RequestConfig.custom()
				.setConnectionRequestTimeout(read)
				.setResponseTimeout(read)
				// a redirect could lead to an address the URL check refuses
				.setRedirectsEnabled(false)
				.build())
			.disableRedirectHandling()
			.disableAutomaticRetries()
			.disableCookieManagement()
			.disableAuthCaching()
			.disableContentCompression()
			.setUserAgent("Plangate-Webhooks")
			.evictExpiredConnections()
			.evictIdleConnections(TimeValue.ofSeconds(30))
			.build();
		this.deadlines = Executors.newSingleThreadScheduledExecutor(task -> {
			var thread = new Thread(task, "webhook-deadlines");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Posts {@code body} to {@code url} with {@code headers}, waiting at most the request
	 * timeout in all; answers what came of it.
	 */
	Outcome send(String url, Map<String, String> headers, byte[] body) {
		WebhookAddresses.Target target;
		try {
			target = addresses.resolve(url);
		}
		catch (WebhookAddresses.Refused ex) {
			return new Outcome(null, "Not sent: the URL " + ex.getMessage(), null);
		}
		var uri = target.uri();
		var scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
		var name = uri.getHost();
		if (name.startsWith("[") && name.endsWith("]")) {
			name = name.substring(1, name.length() - 1);
		}
		var host = new HttpHost(scheme, target.address(), name, port);
		var request = new HttpPost(uri);
		headers.forEach(request::addHeader);
		request.setEntity(new ByteArrayEntity(body, JSON));
		var timedOut = new AtomicBoolean();
		var deadline = deadlines.schedule(() -> {
			timedOut.set(true);
			request.cancel();
		}, requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
		ClassicHttpResponse response = null;
		try {
			response = http.executeOpen(host, request, null);
			int status = response.getCode();
			var entity = response.getEntity();
			byte[] answer = new byte[0];
			if (entity != null) {
				try (InputStream in = entity.getContent()) {
					answer = read(in);
					if (answer.length >= maxResponseBytes && in.read() != -1) {
						// the rest is not read: the connection cannot carry another
						// request
						request.cancel();
					}
				}
			}
			return new Outcome(status, null, kept(answer));
		}
		catch (IOException | RuntimeException ex) {
			if (timedOut.get()) {
				return new Outcome(null, "Timed out after " + requestTimeout.toMillis() + " ms", null);
			}
			if (ex instanceof SocketTimeoutException) {
				return new Outcome(null, "Timed out: " + ex.getMessage(), null);
			}
			return new Outcome(null, describe(ex), null);
		}
		finally {
			deadline.cancel(false);
			if (response != null) {
				try {
					response.close();
				}
				catch (IOException ex) {
					// the answer is read; what the connection does now is no part of it
				}
			}
		}
	}

	private byte[] read(InputStream in) throws IOException {
		var buffer = new byte[Math.min(maxResponseBytes, 8192)];
		int length = 0;
		while (length < maxResponseBytes) {
			if (length == buffer.length) {
				buffer = Arrays.copyOf(buffer, Math.min(maxResponseBytes, buffer.length * 2));
			}
			int n = in.read(buffer, length, buffer.length - length);
			if (n < 0) {
				break;
			}
			length += n;
		}
		return Arrays.copyOf(buffer, length);
	}

	private static @Nullable String kept(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		var text = new String(body, 0, Math.min(body.length, KEPT_BODY), StandardCharsets.UTF_8);
		// a character cut in two at the limit decodes as U+FFFD: drop it
		while (text.getBytes(StandardCharsets.UTF_8).length > KEPT_BODY) {
			text = text.substring(0, text.length() - 1);
		}
		return text;
	}

	static String describe(Throwable error) {
		var text = new StringBuilder();
		for (Throwable t = error; t != null && text.length() < 800; t = t.getCause() == t ? null : t.getCause()) {
			if (!text.isEmpty()) {
				text.append(" <- ");
			}
			text.append(t.getClass().getSimpleName());
			if (t.getMessage() != null) {
				text.append(": ").append(t.getMessage().strip());
			}
		}
		var result = text.toString();
		return result.length() > 1000 ? result.substring(0, 999) + "…" : result;
	}

	@Override
	public void close() {
		deadlines.shutdownNow();
		try {
			http.close();
		}
		catch (IOException ex) {
			// nothing left to deliver on them
		}
	}

	/** Resolves nothing: every connection goes to the address its target carries. */
	private static final class Unresolving implements DnsResolver {

		@Override
		public InetAddress[] resolve(String host) throws UnknownHostException {
			throw new UnknownHostException(
					"Webhook deliveries connect to checked addresses only, not to '" + host + "'");
		}

		@Override
		public String resolveCanonicalHostname(String host) throws UnknownHostException {
			throw new UnknownHostException(
					"Webhook deliveries connect to checked addresses only, not to '" + host + "'");
		}

	}

}
