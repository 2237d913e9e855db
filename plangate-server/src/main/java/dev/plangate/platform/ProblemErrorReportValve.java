package dev.plangate.platform;

import java.io.IOException;
import java.util.LinkedHashMap;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's last word on a request it refused before any application code ran (an encoded
 * slash or a NUL in the path, an oversized header): a problem with the security headers
 * instead of Tomcat's HTML page. Tomcat creates it by class name, so it takes no Spring
 * beans.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		var code = ErrorCode.forStatus(status);
		var reason = HttpStatus.resolve(status);
		// the problem's members written as a map: Spring's ProblemDetail mapping is not
		// at hand here
		var problem = new LinkedHashMap<String, Object>();
		problem.put("type", "https://plangate.dev/problems/" + code.code().replace('_', '-'));
		problem.put("title", code.title());
		problem.put("status", status);
		problem.put("detail", reason != null ? reason.getReasonPhrase() : code.title());
		problem.put("code", code.code());
		try {
			SecurityHeadersFilter.write(request, response);
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setCharacterEncoding("UTF-8");
			var writer = response.getReporter();
			if (writer != null) {
				writer.write(JSON.writeValueAsString(problem));
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the connection is gone or the answer already started: there is nothing more
			// to say
		}
	}

}
