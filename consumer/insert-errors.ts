/**
 * What a failed ClickHouse insert means for the rows in it, decided by error code (never
 * by message text, which changes between releases):
 *
 * - `content`: these rows cannot be stored (a value ClickHouse cannot parse or hold).
 *   Retrying cannot help: split the batch to find the rows, dead-letter them, load the rest.
 * - `transient`: the server or the way to it is unwell (down, overloaded, too many parts,
 *   out of memory or disk, a misconfiguration an operator will fix). The rows are fine:
 *   back off and retry the whole batch, commit nothing, however long it takes.
 * - `unknown`: anything else. Retried like `transient` a bounded number of times; if it
 *   keeps failing on the same rows it is treated as `content`, so no error the list below
 *   has not foreseen can stop a partition forever.
 */
import { ClickHouseError } from '@clickhouse/client';

export type InsertErrorKind = 'content' | 'transient' | 'unknown';

/** The parse family and the other "this value does not fit" codes. */
const CONTENT_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE (e.g. half a surrogate pair in a JSON string)
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  33, // CANNOT_READ_ALL_DATA
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  128, // TOO_LARGE_ARRAY_SIZE
  130, // CANNOT_READ_ARRAY_FROM_TEXT
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  376, // CANNOT_PARSE_UUID
  407, // DECIMAL_OVERFLOW
  441, // CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING
  467, // CANNOT_PARSE_BOOL
  546, // NO_ROW_DELIMITER
  563, // CANNOT_READ_MAP_FROM_TEXT
  632, // UNEXPECTED_DATA_AFTER_PARSED_VALUE
  675, // CANNOT_PARSE_IPV4
  676, // CANNOT_PARSE_IPV6
  691, // UNKNOWN_ELEMENT_OF_ENUM
]);

/** The server, the cluster or the setup is unwell; the rows are not to blame. */
const TRANSIENT_CODES = new Set([
  60, // UNKNOWN_TABLE (migrations not applied yet)
  81, // UNKNOWN_DATABASE
  159, // TIMEOUT_EXCEEDED
  164, // READONLY (wrong user configured)
  173, // CANNOT_ALLOCATE_MEMORY
  201, // QUOTA_EXCEEDED
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  225, // NO_ZOOKEEPER
  236, // ABORTED
  241, // MEMORY_LIMIT_EXCEEDED
  242, // TABLE_IS_READ_ONLY
  243, // NOT_ENOUGH_SPACE
  244, // UNEXPECTED_ZOOKEEPER_ERROR
  252, // TOO_MANY_PARTS
  254, // NO_ACTIVE_REPLICAS
  285, // TOO_FEW_LIVE_REPLICAS
  289, // REPLICA_IS_NOT_IN_QUORUM
  364, // RECEIVED_ERROR_TOO_MANY_REQUESTS
  394, // QUERY_WAS_CANCELLED
  439, // CANNOT_SCHEDULE_TASK
  497, // ACCESS_DENIED
  516, // AUTHENTICATION_FAILED
  574, // DISTRIBUTED_TOO_MANY_PENDING_BYTES
  677, // THREAD_WAS_CANCELED
  749, // TCP_CONNECTION_LIMIT_REACHED
  762, // HTTP_CONNECTION_LIMIT_REACHED
  776, // RESOURCE_LIMIT_EXCEEDED
  777, // MEMORY_RESERVATION_KILLED
  778, // MEMORY_RESERVATION_FAILED
  904, // TOO_MANY_UNAVAILABLE_SHARDS
  999, // KEEPER_EXCEPTION
]);

/**
 * Classifies an error thrown by an insert. Errors that are not a server's answer come from
 * the transport (refused connection, reset socket, the client's request timeout): transient.
 * A programming error (TypeError, RangeError…) is deterministic but not foreseen: unknown.
 */
export function classifyInsertError(error: unknown): InsertErrorKind {
  if (error instanceof ClickHouseError) {
    const code = Number(error.code);
    if (CONTENT_CODES.has(code)) return 'content';
    if (TRANSIENT_CODES.has(code)) return 'transient';
    return 'unknown';
  }
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) return 'unknown';
  return 'transient';
}
