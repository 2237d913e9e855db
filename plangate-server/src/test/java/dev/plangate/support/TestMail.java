package dev.plangate.support;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * The test run's mail server: one real SMTP server (GreenMail) for the whole JVM, started
 * the first time it is asked for, on a free port of 127.0.0.1. Every {@link ServerTest}
 * server sends its mail here; tests read what arrived with {@link #awaitMessageTo}. Use
 * recipient addresses no other test uses ({@link #uniqueAddress}).
 */
public final class TestMail {

	private static @Nullable GreenMail server;

	private TestMail() {
	}

	/** The SMTP server, started. */
	public static synchronized GreenMail server() {
		if (server == null) {
			var started = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
			started.start();
			Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "test-mail-stop"));
			server = started;
		}
		return server;
	}

	public static int port() {
		return server().getSmtp().getPort();
	}

	/**
	 * Points a test server at this mail server: transport {@code smtp}, a fast poll. A
	 * subclass of a class that calls this cannot override these properties with its own
	 * {@code @DynamicPropertySource} (the superclass's values win); it sets
	 * {@code test.mail.transport} or {@code test.mail.port} instead.
	 */
	public static void register(DynamicPropertyRegistry registry) {
		registry.add("plangate.mail.transport", () -> "${test.mail.transport:smtp}");
		registry.add("spring.mail.host", () -> "127.0.0.1");
		registry.add("spring.mail.port", () -> "${test.mail.port:" + port() + "}");
		registry.add("plangate.mail.poll-interval", () -> "200ms");
	}

	/** An address no other test uses. */
	public static String uniqueAddress(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
	}

	/** A mail as it arrived. */
	public record Received(String from, List<String> to, String subject, String text, @Nullable String mailId) {
	}

	/** Every mail that arrived for {@code address}, oldest first. */
	public static List<Received> messagesTo(String address) {
		var received = new ArrayList<Received>();
		for (var message : server().getReceivedMessagesForDomain(address)) {
			received.add(read(message));
		}
		return received;
	}

	/**
	 * The newest mail to {@code address}, waiting up to {@code timeout} for a first one.
	 * @throws AssertionError when none arrived in time
	 */
	public static Received awaitMessageTo(String address, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			var messages = server().getReceivedMessagesForDomain(address);
			if (messages.length > 0) {
				return read(messages[messages.length - 1]);
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("No mail to " + address + " arrived within " + timeout);
			}
			try {
				Thread.sleep(25);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted waiting for mail to " + address, ex);
			}
		}
	}

	private static Received read(MimeMessage message) {
		try {
			var from = Arrays.stream(message.getFrom()).map(Object::toString).findFirst().orElse("");
			var to = Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString).toList();
			var content = message.getContent();
			var text = (content instanceof String s ? s : String.valueOf(content)).replace("\r\n", "\n");
			var ids = message.getHeader("X-Plangate-Mail-Id");
			return new Received(from, to, message.getSubject(), text, ids == null ? null : ids[0]);
		}
		catch (MessagingException | IOException ex) {
			throw new IllegalStateException("Reading a received mail failed", ex);
		}
	}

}
