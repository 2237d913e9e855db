package dev.plangate.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

@ExtendWith(OutputCaptureExtension.class)
class MailTemplatesTest {

	private static final String TO = "ada@example.com";

	private static final Instant EXPIRES = Instant.parse("2026-12-10T10:15:30Z");

	/** Every built-in mail, with the variables its sender passes. */
	static final Map<String, Map<String, Object>> MAILS = Map.ofEntries(
			Map.entry("verify-email", Map.of("link", "https://app.example.com/verify-email?token=tok-verify")),
			Map.entry("already-registered", Map.of()),
			Map.entry("reset-password", Map.of("link", "https://app.example.com/reset-password?token=tok-reset")),
			Map.entry("password-changed", Map.of()),
			Map.entry("confirm-new-email", Map.of("link", "https://app.example.com/confirm-email?token=tok-confirm")),
			Map.entry("email-changed", Map.of("newEmail", "ada.new@example.com")),
			Map.entry("two-factor-enabled", Map.of()), Map.entry("two-factor-disabled", Map.of()),
			Map.entry("organization-invitation",
					Map.of("organization", "Acme Inc.", "invitedBy", "grace@example.com", "role", "admin",
							"roleWithArticle", "an admin", "link",
							"https://app.example.com/accept-invitation?token=tok-invite", "expiresAt", EXPIRES)),
			Map.entry("organization-removed", Map.of("organization", "Acme Inc.")),
			Map.entry("trial-will-end", Map.of("name", "Ada", "plan", "Pro", "trialEndsOn", "2026-12-10")),
			Map.entry("invoice-upcoming", Map.of("name", "Ada", "amount", "99.00 USD", "paymentOn", "2026-12-10")),
			Map.entry("usage-threshold",
					Map.of("name", "Ada", "featureName", "Queries", "unit", "query", "threshold", 80, "used", 1600,
							"limit", 2000, "periodStart", "2026-12-01", "periodEnd", "2027-01-01")),
			Map.entry("quota-exceeded", Map.of("name", "Ada", "featureName", "Queries", "unit", "query", "used", 2000,
					"limit", 2000, "periodStart", "2026-12-01", "periodEnd", "2027-01-01", "overage", true)));

	private final MailTemplates builtIn = templates("");

	static Iterable<String> mails() {
		return MAILS.keySet();
	}

	@Test
	void everyBuiltInTemplateIsAMailWithBothItsTextAndItsHtml() throws IOException {
		// when
		var resolver = new PathMatchingResourcePatternResolver();
		var texts = names(resolver, "classpath:mail/*.txt", ".txt");
		var htmls = names(resolver, "classpath:mail/*.html", ".html");

		// then
		assertThat(texts).isEqualTo(MAILS.keySet());
		assertThat(htmls).isEqualTo(MAILS.keySet());
	}

	@ParameterizedTest
	@MethodSource("mails")
	void builtInMailRendersItsSubjectTextAndHtmlWithItsVariables(String name) {
		// when
		var mail = builtIn.render(TO, name, MAILS.get(name));

		// then
		assertThat(mail.to()).isEqualTo(TO);
		assertThat(mail.subject()).isNotBlank().doesNotContain("Subject").doesNotContain("$");
		assertThat(mail.text()).doesNotStartWith("Subject:")
			.doesNotStartWith("\n")
			.endsWith("\n")
			.doesNotContain("${")
			.doesNotContain("[(");
		assertThat(mail.html()).startsWith("<!DOCTYPE html>")
			.contains("<title>" + mail.subject() + "</title>")
			.doesNotContain("${")
			.doesNotContain("[[")
			.doesNotContain("th:");
		for (var value : MAILS.get(name).entrySet()) {
			// a flag chooses a wording rather than being shown
			if (!value.getKey().equals("role") && !(value.getValue() instanceof Boolean)) {
				assertThat(mail.text()).as(value.getKey()).contains(value.getValue().toString());
				assertThat(mail.html()).as(value.getKey()).contains(value.getValue().toString());
			}
		}
	}

	@Test
	void textIsTheOneTheAccountFlowsAlwaysSent() {
		// when
		var mail = builtIn.render(TO, "verify-email", MAILS.get("verify-email"));

		// then
		assertThat(mail.subject()).isEqualTo("Confirm your email address");
		assertThat(mail.text()).isEqualTo("""
				Welcome! Confirm that this is your email address by opening this link within 24 hours:

				https://app.example.com/verify-email?token=tok-verify

				If you did not sign up, ignore this mail: nothing happens without the link.
				""");
	}

	@Test
	void subjectIsTheFirstLineOfTheTextWithItsExpressionsAndLeavesTheBody() {
		// when
		var mail = builtIn.render(TO, "organization-invitation", MAILS.get("organization-invitation"));

		// then
		assertThat(mail.subject()).isEqualTo("You are invited to join Acme Inc.");
		assertThat(mail.text()).isEqualTo(
				"""
						grace@example.com invited you to join Acme Inc. as an admin.

						Sign in (or sign up) with this email address, then accept the invitation by opening this link before 2026-12-10T10:15:30Z:

						https://app.example.com/accept-invitation?token=tok-invite

						If you do not want to join, ignore this mail: nothing happens without the link.
						""");
	}

	@Test
	void htmlEscapesTheVariablesThatTheTextKeepsAsTheyAre() {
		// given
		var organization = "<b>x</b> & \"y\"";

		// when
		var mail = builtIn.render(TO, "organization-removed", Map.of("organization", organization));

		// then
		assertThat(mail.subject()).isEqualTo("You were removed from " + organization);
		assertThat(mail.text()).contains("member of " + organization + ", and");
		assertThat(mail.html()).contains("&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;").doesNotContain(organization);
		assertThat(mail.html()).contains("<title>You were removed from &lt;b&gt;x&lt;/b&gt;");
	}

	@Test
	void linkIsAnAttributeOfTheHtmlEscapedAsOne() {
		// when
		var mail = builtIn.render(TO, "reset-password", Map.of("link", "https://app.example.com/r?token=t1&lang=en"));

		// then
		assertThat(mail.text()).contains("\nhttps://app.example.com/r?token=t1&lang=en\n");
		assertThat(mail.html()).contains("<a href=\"https://app.example.com/r?token=t1&amp;lang=en\">");
	}

	@Test
	void fileOfTheFolderReplacesItsMailAndLeavesTheOthers(@TempDir Path folder) throws IOException {
		// given
		Files.writeString(folder.resolve("verify-email.txt"), """
				Subject: Bitte bestätigen Sie [(${email})]

				Hallo! Bitte öffnen Sie: [(${link})]
				""");
		Files.writeString(folder.resolve("verify-email.html"), """
				<!DOCTYPE html>
				<html><head><title th:text="${subject}">x</title></head>
				<body><p>Hallo! <a th:href="${link}">Bestätigen</a></p></body></html>
				""");
		var templates = templates(folder.toString());

		// when
		var replaced = templates.render(TO, "verify-email", MAILS.get("verify-email"));
		var other = templates.render(TO, "reset-password", MAILS.get("reset-password"));

		// then
		assertThat(replaced.subject()).isEqualTo("Bitte bestätigen Sie ada@example.com");
		assertThat(replaced.text())
			.isEqualTo("Hallo! Bitte öffnen Sie: https://app.example.com/verify-email?token=tok-verify\n");
		assertThat(replaced.html()).contains("<title>Bitte bestätigen Sie ada@example.com</title>")
			.contains("<a href=\"https://app.example.com/verify-email?token=tok-verify\">Bestätigen</a>");
		assertThat(other).isEqualTo(builtIn.render(TO, "reset-password", MAILS.get("reset-password")));
	}

	@Test
	void textOfTheFolderAloneKeepsTheBuiltInHtmlWithItsSubject(@TempDir Path folder) throws IOException {
		// given
		Files.writeString(folder.resolve("password-changed.txt"), "Subject: Password changed\n\nIt was changed.\r\n");

		// when
		var mail = templates(folder.toString()).render(TO, "password-changed", Map.of());

		// then
		assertThat(mail.subject()).isEqualTo("Password changed");
		assertThat(mail.text()).isEqualTo("It was changed.\n");
		assertThat(mail.html()).contains("<title>Password changed</title>")
			.contains("<p>The password of your account was just changed");
	}

	@Test
	void failingTemplateOfTheFolderIsLoggedAndTheBuiltInOneSent(@TempDir Path folder, CapturedOutput output)
			throws IOException {
		// given: a bad expression, and a text without its subject line
		Files.writeString(folder.resolve("reset-password.txt"), "Subject: Reset\n\nOpen [(${link.nope})]\n");
		Files.writeString(folder.resolve("password-changed.txt"), "Your password was changed.\n");
		var templates = templates(folder.toString());

		// when
		var reset = templates.render(TO, "reset-password", MAILS.get("reset-password"));
		var changed = templates.render(TO, "password-changed", Map.of());

		// then
		assertThat(reset).isEqualTo(builtIn.render(TO, "reset-password", MAILS.get("reset-password")));
		assertThat(changed).isEqualTo(builtIn.render(TO, "password-changed", Map.of()));
		assertThat(output.getAll()).contains("Mail template 'reset-password' of plangate.mail.templates")
			.contains("Mail template 'password-changed' of plangate.mail.templates")
			.contains("does not begin with a line 'Subject: …'")
			.contains("the built-in one is sent instead")
			.doesNotContain("tok-reset");
	}

	@Test
	void mailWithoutTemplatesFailsNamingIt() {
		// when / then
		assertThatIllegalStateException().isThrownBy(() -> builtIn.render(TO, "no-such-mail", Map.of()))
			.withMessageStartingWith("Mail template 'no-such-mail' could not be rendered");
	}

	@Test
	void missingFolderStopsTheStartNamingTheSetting(@TempDir Path parent) {
		// given
		var missing = parent.resolve("missing");

		// when / then
		context().withPropertyValues("plangate.mail.templates=" + missing).run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("plangate.mail.templates")
				.hasMessageContaining(missing.toString());
		});
	}

	@Test
	void fileOfTheFolderThatReplacesNoMailStopsTheStart(@TempDir Path folder) throws IOException {
		// given
		Files.writeString(folder.resolve("verfiy-email.txt"), "Subject: Typo\n\nMisspelt\n");
		Files.writeString(folder.resolve("README.md"), "Other files are left alone");

		// when / then
		context().withPropertyValues("plangate.mail.templates=" + folder).run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("plangate.mail.templates")
				.hasMessageContaining("verfiy-email.txt replaces no built-in mail template");
		});
	}

	@Test
	void startsWithAFolderOfTemplates(@TempDir Path folder) throws IOException {
		// given
		Files.writeString(folder.resolve("email-changed.txt"), "Subject: Changed\n\nNow [(${newEmail})]\n");

		// when / then
		context().withPropertyValues("plangate.mail.templates=" + folder)
			.run(context -> assertThat(context).hasNotFailed().hasSingleBean(MailTemplates.class));
	}

	/** The mail settings bound as the server binds them. */
	@EnableConfigurationProperties(MailSettings.class)
	static class BoundSettings {

	}

	private static ApplicationContextRunner context() {
		return new ApplicationContextRunner().withUserConfiguration(BoundSettings.class, MailConfiguration.class,
				MailTemplates.class);
	}

	private static MailTemplates templates(String folder) {
		var settings = new Binder(new MapConfigurationPropertySource(Map.of("plangate.mail.templates", folder)))
			.bindOrCreate("plangate.mail", MailSettings.class);
		return new MailTemplates(settings);
	}

	private static Set<String> names(PathMatchingResourcePatternResolver resolver, String pattern, String suffix)
			throws IOException {
		return Arrays.stream(resolver.getResources(pattern))
			.map(resource -> resource.getFilename().replace(suffix, ""))
			.collect(Collectors.toSet());
	}

}
