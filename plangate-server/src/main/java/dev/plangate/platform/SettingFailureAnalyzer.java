package dev.plangate.platform;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/**
 * Turns a start-up stopped by a {@code plangate.*} setting into a short report naming the
 * environment variable to correct: a value its settings record refused
 * ({@link InvalidSettingException}), or one that is not even of the setting's type (a
 * duration that does not read as one). Ahead of Spring Boot's own analyzers, which name
 * the property only. Registered in {@code META-INF/spring.factories}.
 */
class SettingFailureAnalyzer implements FailureAnalyzer, Ordered {

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		var invalid = cause(failure, InvalidSettingException.class);
		if (invalid != null) {
			return analysis(invalid.property(), invalid.problem(), invalid);
		}
		var bind = cause(failure, BindException.class);
		if (bind != null && bind.getName().toString().startsWith("plangate.") && bind.getProperty() != null) {
			return analysis(bind.getName().toString(), "cannot be read as " + kind(bind.getTarget().getType().resolve())
					+ ", not '" + bind.getProperty().getValue() + "'", bind);
		}
		return null;
	}

	private static FailureAnalysis analysis(String property, String problem, Throwable cause) {
		var variable = Settings.variable(property);
		return new FailureAnalysis(
				"The setting " + variable + " (property " + property + ") " + problem
						+ (problem.endsWith(".") ? "" : "."),
				"Correct " + variable + ", or unset it to use its default. The Configuration section of README.md "
						+ "lists every setting with its default.",
				cause);
	}

	private static String kind(@Nullable Class<?> type) {
		if (type == Duration.class) {
			return "a duration such as 30s, 15m or 1d";
		}
		if (type == DataSize.class) {
			return "a size such as 512KB or 8MB";
		}
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
			return "a whole number";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "true or false";
		}
		return "a " + (type == null ? "value" : type.getSimpleName()) + " value";
	}

	private static <T extends Throwable> @Nullable T cause(Throwable failure, Class<T> type) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return type.cast(t);
			}
		}
		return null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
