package dev.plangate.platform;

import java.net.URI;
import java.util.List;

import org.springframework.http.ProblemDetail;

/**
 * Builds the one problem shape every error has: RFC 9457 plus {@code code} and, for bad
 * input, {@code errors}.
 */
public final class Problems {

	private Problems() {
	}

	/**
	 * Sets the problem's {@code instance} to the request's path, unless the raw path is
	 * not a valid URI.
	 */
	public static ProblemDetail at(ProblemDetail problem, String requestUri) {
		try {
			problem.setInstance(URI.create(requestUri));
		}
		catch (IllegalArgumentException ex) {
			// a path the container let through but that is no URI: the problem goes
			// without an instance
		}
		return problem;
	}

	public static ProblemDetail of(ErrorCode code, String detail, List<FieldError> errors) {
		var problem = ProblemDetail.forStatusAndDetail(code.status(), detail);
		problem.setTitle(code.title());
		problem.setType(URI.create("https://plangate.dev/problems/" + code.code().replace('_', '-')));
		problem.setProperty("code", code.code());
		if (!errors.isEmpty()) {
			problem.setProperty("errors", errors);
		}
		return problem;
	}

}
