package dev.plangate.platform;

/**
 * A setting whose value cannot be used, thrown while the settings are bound at start-up.
 * Its message names the environment variable and the property.
 */
public class InvalidSettingException extends IllegalArgumentException {

	private final String property;

	private final String problem;

	InvalidSettingException(String property, String problem) {
		super(Settings.variable(property) + " " + problem + " (setting " + property + ")");
		this.property = property;
		this.problem = problem;
	}

	/** The property: {@code plangate.tokens.access-ttl}. */
	public String property() {
		return property;
	}

	/** Its environment variable: {@code PLANGATE_TOKENS_ACCESS_TTL}. */
	public String variable() {
		return Settings.variable(property);
	}

	/**
	 * What is wrong, to read after the setting's name: {@code must be positive, not 0s}.
	 */
	public String problem() {
		return problem;
	}

}
