package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A delivery connects to the address its URL check resolved, never to a second answer of
 * the DNS, while the request still names the URL's host: a host that rebinds to an
 * internal address between the check and the connection cannot reach it.
 */
class WebhookSenderTest {

	private static final String HOST = "hooks.example.test";

	private final WebhookReceiver receiver = new WebhookReceiver();

	private final List<WebhookSender> senders = new ArrayList<>();

	@AfterEach
	void close() {
		senders.forEach(WebhookSender::close);
		receiver.close();
	}

	private WebhookSender sender(boolean allowPrivate, WebhookAddresses.Resolver dns) {
		var sender = new WebhookSender(new WebhookAddresses(allowPrivate, dns), Duration.ofMillis(500),
				Duration.ofSeconds(2), 65536, 4);
		senders.add(sender);
		return sender;
	}

	/** The receiver's URL, under {@link #HOST} instead of its address. */
	private String url(String path) {
		return receiver.url(path).replace("127.0.0.1", HOST);
	}

	private static WebhookSender.Outcome send(WebhookSender sender, String url) {
		return sender.send(url, Map.of("webhook-id", "msg_1"), "{}".getBytes(StandardCharsets.UTF_8));
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void aDeliveryGoesToTheResolvedAddressUnderTheUrlsHost() {
		// given: a name that the DNS resolves to the receiver's address
		var asked = new AtomicInteger();
		var sender = sender(true, host -> {
			asked.incrementAndGet();
			assertThat(host).isEqualTo(HOST);
			return new InetAddress[] { address("127.0.0.1") };
		});

		// when
		var outcome = send(sender, url("/pinned"));

		// then: delivered, naming the URL's host and port, with one question to the DNS
		assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
		assertThat(receiver.on("/pinned")).singleElement()
			.satisfies(r -> assertThat(r.host()).isEqualTo(HOST + ":" + receiver.port()));
		assertThat(asked).hasValue(1);
	}

	@Test
	void aHostThatRebindsToAnInternalAddressAfterTheCheckIsNotReached() {
		// given: a DNS that answers a public address first, then the receiver's loopback
		// address, as a rebinding attacker's does
		var asked = new AtomicInteger();
		var sender = sender(false, host -> asked.incrementAndGet() == 1 ? new InetAddress[] { address("192.0.2.10") }
				: new InetAddress[] { address("127.0.0.1") });

		// when
		var outcome = send(sender, url("/rebound"));

		// then: the attempt went to the public address it checked (and failed there);
		// the loopback receiver saw nothing, and the DNS was asked once
		assertThat(outcome.succeeded()).isFalse();
		assertThat(outcome.error()).isNotNull();
		assertThat(receiver.on("/rebound")).isEmpty();
		assertThat(asked).hasValue(1);
	}

	@Test
	void aHostResolvingToAnInternalAddressIsNotSent() {
		// given
		var sender = sender(false, host -> new InetAddress[] { address("127.0.0.1") });

		// when
		var outcome = send(sender, url("/internal"));

		// then
		assertThat(outcome.error()).startsWith("Not sent: the URL resolves to loopback address 127.0.0.1");
		assertThat(receiver.on("/internal")).isEmpty();
	}

	@Test
	void connectionsAreKeptForTheNextDeliveries() {
		// given
		var sender = sender(true, host -> new InetAddress[] { address("127.0.0.1") });

		// when
		for (int i = 0; i < 20; i++) {
			assertThat(send(sender, url("/kept")).succeeded()).isTrue();
		}

		// then: every delivery arrived, over at most as many connections as the sender
		// keeps
		assertThat(receiver.on("/kept")).hasSize(20);
		assertThat(receiver.connections()).isBetween(1, 4);
	}

}
