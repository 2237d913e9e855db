package dev.plangate.notify;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.exceptions.TemplateEngineException;
import org.thymeleaf.exceptions.TemplateInputException;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * The texts of the mails, as Thymeleaf templates: for the mail {@code name},
 * {@code name.txt} (text mode) whose first line is {@code Subject: …}, and
 * {@code name.html} (HTML mode), in {@code mail/} on the classpath. The engine is this
 * class's own: no web view resolver comes with it. docs/mail.md names the templates and
 * their variables.
 */
@Component
class MailTemplates {

	private static final String BUILT_IN = "mail/";

	private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

	/**
	 * The first line of a text template, taken out of the body with the one blank line
	 * that may follow it.
	 */
	private static final Pattern SUBJECT = Pattern.compile("\\ASubject:[ \\t]*([^\\n]*?)[ \\t]*(?:\\n|\\z)\\n?");

	private final TemplateEngine engine;

	MailTemplates() {
		this.engine = new TemplateEngine();
		var classpath = new ClassLoaderTemplateResolver(MailTemplates.class.getClassLoader());
		classpath.setPrefix(BUILT_IN);
		classpath.setCharacterEncoding(StandardCharsets.UTF_8.name());
		classpath.getTextTemplateModePatternSpec().addPattern("*.txt");
		classpath.getHtmlTemplateModePatternSpec().addPattern("*.html");
		classpath.setCheckExistence(true);
		classpath.setCacheable(true);
		engine.addTemplateResolver(classpath);
	}

	/**
	 * The mail {@code name} for {@code to}: its subject and text from {@code name.txt},
	 * its HTML from {@code name.html}, with {@code variables} and {@code email} (the
	 * recipient); the HTML template also has {@code subject}.
	 * @throws IllegalStateException when a template cannot be rendered
	 */
	Mail render(String to, String name, Map<String, ?> variables) {
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("Mail template name '" + name + "' is not lower-case words and dashes");
		}
		try {
			return render(engine, to, name, variables);
		}
		catch (TemplateEngineException ex) {
			throw new IllegalStateException("Mail template '" + name + "' could not be rendered: " + ex.getMessage(),
					ex);
		}
	}

	private static Mail render(TemplateEngine engine, String to, String name, Map<String, ?> variables) {
		var context = new Context(Locale.ROOT, new HashMap<>(variables));
		context.setVariable("email", to);
		var text = engine.process(name + ".txt", context).replace("\r\n", "\n");
		var subject = SUBJECT.matcher(text);
		if (!subject.find() || subject.group(1).isBlank()) {
			throw new TemplateInputException(
					"The text template '" + name + ".txt' does not begin with a line 'Subject: …'");
		}
		context.setVariable("subject", subject.group(1));
		var html = engine.process(name + ".html", context);
		return new Mail(to, subject.group(1), text.substring(subject.end()), html);
	}

}
