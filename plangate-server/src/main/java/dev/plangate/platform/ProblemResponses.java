package dev.plangate.platform;

import java.io.IOException;
import java.util.List;

import org.springframework.http.MediaType;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem straight to a servlet response, for filters that answer before Spring
 * MVC is reached.
 */
public final class ProblemResponses {

	private ProblemResponses() {
	}

	public static void write(HttpServletRequest request, HttpServletResponse response, JsonMapper json, ErrorCode code,
			String detail) throws IOException {
		write(request, response, json, code, detail, List.of());
	}

	/** A problem naming the bad fields. */
	public static void write(HttpServletRequest request, HttpServletResponse response, JsonMapper json, ErrorCode code,
			String detail, List<FieldError> errors) throws IOException {
		var problem = Problems.at(Problems.of(code, detail, errors), request.getRequestURI());
		SecurityHeadersFilter.write(request, response);
		response.setStatus(code.status().value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		json.writeValue(response.getOutputStream(), problem);
	}

}
