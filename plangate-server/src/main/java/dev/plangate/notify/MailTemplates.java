package dev.plangate.notify;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.exceptions.TemplateEngineException;
import org.thymeleaf.exceptions.TemplateInputException;
import org.thymeleaf.templateresolver.AbstractConfigurableTemplateResolver;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.templateresolver.FileTemplateResolver;

/**
 * The texts of the mails, as Thymeleaf templates: for the mail {@code name},
 * {@code name.txt} (text mode) whose first line is {@code Subject: …}, and
 * {@code name.html} (HTML mode). The built-in ones are {@code mail/} on the classpath; a
 * file of the same name in the folder {@code plangate.mail.templates} replaces one. The
 * engine is this class's own: no web view resolver comes with it. docs/mail.md names the
 * templates and their variables.
 */
@Component
class MailTemplates {

	private static final Logger log = LoggerFactory.getLogger(MailTemplates.class);

	private static final String BUILT_IN = "mail/";

	private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

	private static final Pattern FILE = Pattern.compile("[^.].*\\.(txt|html)");

	/**
	 * The first line of a text template, taken out of the body with the one blank line
	 * that may follow it.
	 */
	private static final Pattern SUBJECT = Pattern.compile("\\ASubject:[ \\t]*([^\\n]*?)[ \\t]*(?:\\n|\\z)\\n?");

	private final TemplateEngine builtIn;

	private final TemplateEngine engine;

	private final @Nullable Path folder;

	MailTemplates(MailSettings settings) {
		this.folder = settings.templatesFolder().map(Path::toAbsolutePath).orElse(null);
		this.builtIn = engine(null);
		this.engine = folder == null ? builtIn : engine(folder);
		if (folder != null) {
			var replaced = overrides(folder);
			log.info("Mail templates of {} replace the built-in ones of the same name: {}", folder, replaced);
		}
	}

	/**
	 * The mail {@code name} for {@code to}: its subject and text from {@code name.txt},
	 * its HTML from {@code name.html}, with {@code variables} and {@code email} (the
	 * recipient); the HTML template also has {@code subject}. When a template of the
	 * folder fails, the built-in one is taken, and the failure logged; when a built-in
	 * one fails, this throws.
	 * @throws IllegalStateException when a built-in template cannot be rendered
	 */
	Mail render(String to, String name, Map<String, ?> variables) {
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("Mail template name '" + name + "' is not lower-case words and dashes");
		}
		try {
			return render(engine, to, name, variables);
		}
		catch (TemplateEngineException ex) {
			if (folder != null && overridden(folder, name)) {
				log.error(
						"Mail template '{}' of plangate.mail.templates ({}) failed; the built-in one is sent instead: {}",
						name, folder, ex.getMessage());
				return renderBuiltIn(to, name, variables);
			}
			throw failed(name, ex);
		}
	}

	private Mail renderBuiltIn(String to, String name, Map<String, ?> variables) {
		try {
			return render(builtIn, to, name, variables);
		}
		catch (TemplateEngineException ex) {
			throw failed(name, ex);
		}
	}

	private static IllegalStateException failed(String name, TemplateEngineException ex) {
		return new IllegalStateException("Mail template '" + name + "' could not be rendered: " + ex.getMessage(), ex);
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

	private static boolean overridden(Path folder, String name) {
		return Files.isRegularFile(folder.resolve(name + ".txt"))
				|| Files.isRegularFile(folder.resolve(name + ".html"));
	}

	/**
	 * The templates in the folder, each of which must have a built-in one to replace: a
	 * file of another name is most likely misspelt, and would be ignored.
	 */
	private static TreeSet<String> overrides(Path folder) {
		var names = new TreeSet<String>();
		try (var files = Files.list(folder)) {
			for (var file : (Iterable<Path>) files::iterator) {
				var fileName = file.getFileName().toString();
				if (!FILE.matcher(fileName).matches() || !Files.isRegularFile(file)) {
					continue;
				}
				if (MailTemplates.class.getClassLoader().getResource(BUILT_IN + fileName) == null) {
					throw new IllegalStateException("plangate.mail.templates: " + file
							+ " replaces no built-in mail template; their names are in docs/mail.md");
				}
				names.add(fileName);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("plangate.mail.templates: the folder " + folder + " cannot be read", ex);
		}
		return names;
	}

	/** Templates of {@code folder}, if given, before the built-in ones. */
	private static TemplateEngine engine(@Nullable Path folder) {
		var engine = new TemplateEngine();
		if (folder != null) {
			var files = new FileTemplateResolver();
			files.setPrefix(folder + File.separator);
			files.setOrder(1);
			engine.addTemplateResolver(configure(files));
		}
		var classpath = new ClassLoaderTemplateResolver(MailTemplates.class.getClassLoader());
		classpath.setPrefix(BUILT_IN);
		classpath.setOrder(2);
		engine.addTemplateResolver(configure(classpath));
		return engine;
	}

	private static AbstractConfigurableTemplateResolver configure(AbstractConfigurableTemplateResolver resolver) {
		resolver.setCharacterEncoding(StandardCharsets.UTF_8.name());
		resolver.getTextTemplateModePatternSpec().addPattern("*.txt");
		resolver.getHtmlTemplateModePatternSpec().addPattern("*.html");
		resolver.setCheckExistence(true);
		resolver.setCacheable(true);
		return resolver;
	}

}
