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
import jakarta.mail.Multipart;
import jakarta.mail.Part;
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
			var setup = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
			// a loaded machine (the whole suite on two cores) can take more than the
			// default 2 s
			setup.setServerStartupTimeout(15_000);
			var started = new GreenMail(setup);
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

	/**
	 * A mail as it arrived.
	 *
	 * @param contentType the message's, such as {@code text/plain; charset=UTF-8} or
	 * {@code multipart/alternative; boundary=…}
	 * @param text the plain text: the body, or the {@code text/plain} part of a multipart
	 * one
	 * @param html the {@code text/html} part, if any
	 */
	public record Received(String from, List<String> to, String subject, String contentType, String text,
			@Nullable String html, @Nullable String mailId) {
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
			var ids = message.getHeader("X-Plangate-Mail-Id");
			var text = part(message, "text/plain");
			if (text == null && message.getContent() instanceof String plain) {
				text = plain.replace("\r\n", "\n");
			}
			return new Received(from, to, message.getSubject(), message.getContentType(), String.valueOf(text),
					part(message, "text/html"), ids == null ? null : ids[0]);
		}
		catch (MessagingException | IOException ex) {
			throw new IllegalStateException("Reading a received mail failed", ex);
		}
	}

	/** The first part of the type in the message, looking into multiparts. */
	private static @Nullable String part(Part part, String type) throws MessagingException, IOException {
		if (part.isMimeType(type) && part.getContent() instanceof String content) {
			return content.replace("\r\n", "\n");
		}
		if (part.getContent() instanceof Multipart multipart) {
			for (int i = 0; i < multipart.getCount(); i++) {
				var found = part(multipart.getBodyPart(i), type);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

}
