package dev.plangate.platform;

import java.util.List;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Answers errors raised outside Spring MVC (by the servlet container or a filter) in the
 * same problem shape as every other error, instead of the framework's own error JSON.
 */
@RestController
@Hidden
class ProblemErrorController implements ErrorController {

	@RequestMapping("/error")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		// called directly, not as an error dispatch, /error is just a path that does not
		// exist
		var status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code ? code
				: HttpStatus.NOT_FOUND.value();
		var errorCode = ErrorCode.forStatus(status);
		var resolved = HttpStatus.resolve(status);
		String detail = errorCode == ErrorCode.INTERNAL ? "An unexpected error occurred"
				: resolved != null ? resolved.getReasonPhrase() : errorCode.title();
		var problem = Problems.of(errorCode, detail, List.of());
		problem.setStatus(status);
		if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) {
			Problems.at(problem, uri);
		}
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
