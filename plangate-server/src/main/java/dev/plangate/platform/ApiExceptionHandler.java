package dev.plangate.platform;

import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import jakarta.validation.ConstraintViolationException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every exception into one problem shape (see {@link Problems}). The framework's
 * own exceptions (malformed JSON, a missing parameter, a wrong method) get the same
 * {@code code} vocabulary as ours.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	/** A qualified Java type name, as Jackson quotes them in its messages. */
	private static final Pattern CLASS_NAME = Pattern.compile("`?\\b(?:[a-z_][\\w]*\\.)+[A-Za-z_][\\w$]*`?");

	@ExceptionHandler(PlangateException.class)
	ResponseEntity<Object> plangate(PlangateException ex, WebRequest request) {
		var problem = Problems.of(ex.code(), ex.getMessage(), ex.errors());
		ex.properties().forEach((name, value) -> {
			if (value != null) {
				problem.setProperty(name, value);
			}
		});
		var answer = respond(problem, request);
		if (ex.headers().isEmpty()) {
			return answer;
		}
		var headers = new HttpHeaders();
		ex.headers().forEach(headers::set);
		return ResponseEntity.status(answer.getStatusCode()).headers(headers).body(answer.getBody());
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException ex, WebRequest request) {
		var field = new FieldError(ex.getName(), "'" + ex.getValue() + "' is not a valid value");
		return respond(
				Problems.of(ErrorCode.INVALID_REQUEST, "Invalid parameter '" + ex.getName() + "'", List.of(field)),
				request);
	}

	/**
	 * No operation takes a multipart body; one that is not even well-formed (no boundary)
	 * fails before any handler is chosen.
	 */
	@ExceptionHandler(MultipartException.class)
	ResponseEntity<Object> multipart(MultipartException ex, WebRequest request) {
		return respond(Problems.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
				"No operation takes a multipart body; send application/json", List.of()), request);
	}

	/** A media-type header that does not parse, met while choosing a converter. */
	@ExceptionHandler(InvalidMediaTypeException.class)
	ResponseEntity<Object> invalidMediaType(InvalidMediaTypeException ex, WebRequest request) {
		return respond(Problems.of(ErrorCode.INVALID_REQUEST, "A media type in the request does not parse", List.of()),
				request);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
		log.error("Unexpected failure on {}", describe(request), ex);
		return respond(Problems.of(ErrorCode.INTERNAL, "An unexpected error occurred", List.of()), request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof RequestSizeFilter.TooLargeException tooLarge) {
				return respond(Problems.of(ErrorCode.PAYLOAD_TOO_LARGE, tooLarge.getMessage(), List.of()), request);
			}
		}
		// the JSON library's exception, not what it wraps (a date parser's, say): it
		// knows the field's path
		Throwable cause = ex.getMostSpecificCause();
		for (Throwable t = ex.getCause(); t != null; t = t.getCause()) {
			if (t instanceof JacksonException) {
				cause = t;
				break;
			}
		}
		if (cause instanceof TextModule.RefusedCharacterException refused) {
			String field = path(refused, refused.where());
			return respond(Problems.of(ErrorCode.INVALID_REQUEST, "Invalid field '" + field + "'",
					List.of(new FieldError(field, refused.reason()))), request);
		}
		if (cause instanceof UnrecognizedPropertyException unknown) {
			var field = new FieldError(path(unknown), "unknown field");
			return respond(
					Problems.of(ErrorCode.INVALID_REQUEST, "Unknown field '" + path(unknown) + "'", List.of(field)),
					request);
		}
		// a number too big for its field is a reading problem Jackson places at the field
		if (cause instanceof JacksonException json
				&& (!(cause instanceof StreamReadException) || cause instanceof InputCoercionException)
				&& !json.getPath().isEmpty()) {
			var field = new FieldError(path(json), cause instanceof InputCoercionException ? "is out of range"
					: "has the wrong type or format" + expected(json));
			return respond(Problems.of(ErrorCode.INVALID_REQUEST,
					"Field '" + path(json) + "' has the wrong type or format", List.of(field)), request);
		}
		String detail = cause instanceof JacksonException json ? describe(json) : "Request body is missing";
		return respond(Problems.of(ErrorCode.MALFORMED_JSON, "Malformed JSON: " + detail, List.of()), request);
	}

	/**
	 * What is wrong with a body that is not JSON or not the JSON asked for, in the
	 * caller's terms: what was expected and where, never the server's class names.
	 */
	private static String describe(JacksonException json) {
		String what;
		if (json instanceof StreamReadException && !(json instanceof MismatchedInputException)) {
			what = withoutClassNames(firstLine(String.valueOf(json.getOriginalMessage())));
		}
		else if (json instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
			what = "the body must be " + shape(mismatch.getTargetType());
		}
		else {
			what = "the body is not the JSON this operation takes";
		}
		var at = json.getLocation();
		return at != null && at.getLineNr() > 0
				? what + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")" : what;
	}

	/** ": expected a string", say, when Jackson knows the type the field wanted. */
	private static String expected(JacksonException json) {
		return json instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
				? ": expected " + shape(mismatch.getTargetType()) : "";
	}

	private static String shape(Class<?> type) {
		if (type == String.class || type == Character.class || type == char.class || type.isEnum()) {
			return "a string";
		}
		if (type == UUID.class) {
			return "a string holding a UUID";
		}
		if (Temporal.class.isAssignableFrom(type)) {
			return "a string holding an ISO 8601 time";
		}
		if (type == Duration.class) {
			return "a string holding an ISO 8601 duration";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (type == Integer.class || type == int.class || type == Long.class || type == long.class
				|| type == Short.class || type == short.class || type == BigInteger.class) {
			return "a whole number";
		}
		if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
			return "a number";
		}
		if (type.isArray() || Collection.class.isAssignableFrom(type)) {
			return "an array";
		}
		if (type == Object.class || JsonNode.class.isAssignableFrom(type)) {
			return "a JSON value";
		}
		return "an object";
	}

	/** Jackson quotes types in its messages; the caller gets none of Plangate's. */
	private static String withoutClassNames(String message) {
		return CLASS_NAME.matcher(message).replaceAll("value");
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		var errors = new ArrayList<FieldError>();
		ex.getBindingResult()
			.getFieldErrors()
			.forEach(e -> errors.add(new FieldError(e.getField(), String.valueOf(e.getDefaultMessage()))));
		ex.getBindingResult()
			.getGlobalErrors()
			.forEach(e -> errors.add(new FieldError(e.getObjectName(), String.valueOf(e.getDefaultMessage()))));
		return respond(Problems.of(ErrorCode.INVALID_REQUEST, describeFields(errors), errors), request);
	}

	/**
	 * Constraint violations on parameters. A request body's violations come as
	 * {@link ParameterErrors}, named by their field in the body; a path or query
	 * parameter's by the parameter.
	 */
	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		var errors = new ArrayList<FieldError>();
		for (var result : ex.getParameterValidationResults()) {
			if (result instanceof ParameterErrors body) {
				body.getFieldErrors()
					.forEach(e -> errors.add(new FieldError(e.getField(), String.valueOf(e.getDefaultMessage()))));
				body.getGlobalErrors()
					.forEach(e -> errors.add(new FieldError(e.getObjectName(), String.valueOf(e.getDefaultMessage()))));
			}
			else {
				String name = String.valueOf(result.getMethodParameter().getParameterName());
				result.getResolvableErrors()
					.forEach(e -> errors.add(new FieldError(name, String.valueOf(e.getDefaultMessage()))));
			}
		}
		return respond(Problems.of(ErrorCode.INVALID_REQUEST, describeFields(errors), errors), request);
	}

	/**
	 * Validation outside Spring MVC's own (a service validating its input): named by the
	 * last path node.
	 */
	@ExceptionHandler(ConstraintViolationException.class)
	ResponseEntity<Object> constraintViolation(ConstraintViolationException ex, WebRequest request) {
		var errors = ex.getConstraintViolations().stream().map(v -> {
			String field = "(value)";
			for (var node : v.getPropertyPath()) {
				if (node.getName() != null) {
					field = node.getName();
				}
			}
			return new FieldError(field, v.getMessage());
		}).toList();
		return respond(Problems.of(ErrorCode.INVALID_REQUEST, describeFields(errors), errors), request);
	}

	/**
	 * Gives the framework's problems our {@code code} and title, keeping their status and
	 * detail.
	 */
	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		var code = ErrorCode.forStatus(statusCode.value());
		String detail = body instanceof ProblemDetail framework && framework.getDetail() != null ? framework.getDetail()
				: code.title();
		var problem = Problems.of(code, detail, List.of());
		problem.setStatus(statusCode.value());
		return ResponseEntity.status(statusCode).headers(headers).body(withInstance(problem, request));
	}

	private static ResponseEntity<Object> respond(ProblemDetail problem, WebRequest request) {
		return ResponseEntity.status(problem.getStatus()).body(withInstance(problem, request));
	}

	private static ProblemDetail withInstance(ProblemDetail problem, WebRequest request) {
		if (request instanceof ServletWebRequest servlet) {
			Problems.at(problem, servlet.getRequest().getRequestURI());
		}
		return problem;
	}

	private static String path(JacksonException ex, String below) {
		String path = path(ex);
		return path.equals("(body)") ? (below.isEmpty() ? path : below.substring(below.startsWith(".") ? 1 : 0))
				: path + below;
	}

	private static String path(JacksonException ex) {
		var path = new StringBuilder();
		for (var ref : ex.getPath()) {
			if (ref.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(ref.getPropertyName());
			}
			else if (ref.getIndex() >= 0) {
				path.append('[').append(ref.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "(body)" : path.toString();
	}

	private static String describeFields(List<FieldError> errors) {
		return errors.isEmpty() ? "Invalid request" : "Invalid field" + (errors.size() == 1 ? " " : "s ")
				+ String.join(", ", errors.stream().map(e -> "'" + e.field() + "'").distinct().toList());
	}

	private static String firstLine(String text) {
		int newline = text.indexOf('\n');
		return newline < 0 ? text : text.substring(0, newline);
	}

	private static String describe(WebRequest request) {
		return request instanceof ServletWebRequest servlet
				? servlet.getRequest().getMethod() + " " + servlet.getRequest().getRequestURI() : request.toString();
	}

}
