/*
 * paced_client: opens many concurrent streamed chat requests against a fixture with
 * `timing: {first_token_ms, tokens_per_second}` and measures how far each content event arrives
 * from the time it was due. One thread and epoll, so that 10,000 streams cost the client little
 * and the clock is read right when bytes arrive.
 *
 *     paced_client -p PORT -n STREAMS -b BODY_FILE -f FIRST_TOKEN_MS -r TOKENS_PER_SECOND
 *                  -k TOKENS_PER_EVENT -e EVENTS [-s SERVER_PID] [-c CONNECTS_PER_S] [-g GRACE_S]
 *
 * Every content event of the fixture's reply must cost the same TOKENS_PER_EVENT, so that
 * content event k (k = 0 is the first, which also carries the role) is due at
 *     FIRST_TOKEN_MS + k * TOKENS_PER_EVENT / TOKENS_PER_SECOND
 * after the request was sent. drift = arrival - due, over every content event of every stream.
 * jitter is each drift less the least drift of its stream: a server that took the request in
 * late is late by as much on every event of it, so jitter leaves that out and shows the pacing.
 * A stream completes when it brought exactly EVENTS content events and `data: [DONE]`.
 *
 * Prints one line of key=value figures on stdout; reasons for failed streams go to stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* An SSE line of a chat completion chunk is a few hundred bytes; a longer one is a surprise. */
#define LINE_CAPACITY 2048

enum phase { NEW, CONNECTING, CONNECTED, HEADERS, BODY, FINISHED, CLOSED };
/* Where the chunked-transfer decoder is inside the body. */
enum chunk_state { CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, CHUNK_LAST };

typedef struct stream {
    int fd;
    enum phase phase;
    bool failed;
    bool chunked;
    bool done_seen;        /* `data: [DONE]` arrived */
    enum chunk_state chunk;
    long chunk_left;       /* bytes left in the current chunk (CHUNK_DATA) or its size (CHUNK_SIZE) */
    int64_t sent_at_us;    /* when the request was written: the origin of every due time */
    int events;            /* content events so far */
    size_t line_length;
    char line[LINE_CAPACITY + 1]; /* + 1 for the NUL a header line gets */
} stream;

static int64_t now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void usage(void) {
    fprintf(stderr, "usage: paced_client -p PORT -n STREAMS -b BODY_FILE -f FIRST_TOKEN_MS -r TOKENS_PER_SECOND "
                    "-k TOKENS_PER_EVENT -e EVENTS [-s SERVER_PID] [-c CONNECTS_PER_S] [-g GRACE_S]\n");
    exit(2);
}

/* Settings and results shared by the handlers below. */
static struct {
    int events_expected;
    double first_token_us;
    double event_interval_us;
    int64_t *drifts;       /* streams * events_expected slots; drift of event k of stream i */
    int64_t *first_tokens; /* arrival offset of each stream's first content event, or -1 */
    int64_t *jitters;      /* each drift less the least drift of its stream */
    int failed_connect, failed_status, failed_protocol, failed_count, failed_closed;
} run;

/* Marks a stream failed under one reason; the first few say why on stderr (not 10,000 lines). */
static void fail(stream *s, int *reason, const char *format, ...) {
    static int told;
    if (!s->failed) (*reason)++;
    s->failed = true;
    s->phase = FINISHED;
    if (told++ < 5) {
        va_list arguments;
        va_start(arguments, format);
        vfprintf(stderr, format, arguments);
        va_end(arguments);
        fputc('\n', stderr);
    }
}

/* Closes a finished or failed stream. */
static void retire(stream *s, int *finished) {
    close(s->fd);
    s->phase = CLOSED;
    (*finished)++;
}

/* One whole line of the SSE body (without its newline). */
static void on_sse_line(stream *s, size_t index, const char *line, size_t length, int64_t arrived_us) {
    if (length < 6 || memcmp(line, "data: ", 6) != 0) return;
    if (length == 12 && memcmp(line + 6, "[DONE]", 6) == 0) {
        s->done_seen = true;
        return;
    }
    /* A content delta: `"content":"` followed by at least one character (the finish chunk of a
     * reply without text carries an empty one). */
    const char *content = memmem(line, length, "\"content\":\"", 11);
    if (!content || content + 11 >= line + length || content[11] == '"') return;
    int k = s->events++;
    if (k >= run.events_expected) return;
    int64_t offset = arrived_us - s->sent_at_us;
    double due = run.first_token_us + k * run.event_interval_us;
    run.drifts[index * run.events_expected + k] = offset - (int64_t)due;
    if (k == 0) run.first_tokens[index] = offset;
}

/* Decoded body bytes: cut into lines. */
static void on_body(stream *s, size_t index, const char *bytes, size_t length, int64_t arrived_us) {
    for (size_t i = 0; i < length; i++) {
        if (bytes[i] == '\n') {
            size_t end = s->line_length;
            if (end > 0 && s->line[end - 1] == '\r') end--;
            on_sse_line(s, index, s->line, end, arrived_us);
            s->line_length = 0;
        } else if (s->line_length < LINE_CAPACITY) {
            s->line[s->line_length++] = bytes[i];
        } else {
            fail(s, &run.failed_protocol, "stream %zu: an SSE line longer than %d bytes", index, LINE_CAPACITY);
            return;
        }
    }
}

/* Raw bytes after the headers: undo chunked transfer encoding if the response uses it. */
static void on_raw_body(stream *s, size_t index, const char *bytes, size_t length, int64_t arrived_us) {
    if (!s->chunked) {
        on_body(s, index, bytes, length, arrived_us);
        return;
    }
    size_t i = 0;
    while (i < length && !s->failed && s->chunk != CHUNK_LAST) {
        switch (s->chunk) {
        case CHUNK_SIZE: {
            char c = bytes[i++];
            if (c == '\n') {
                s->chunk = s->chunk_left == 0 ? CHUNK_LAST : CHUNK_DATA;
            } else if (c >= '0' && c <= '9') {
                s->chunk_left = s->chunk_left * 16 + (c - '0');
            } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
                s->chunk_left = s->chunk_left * 16 + ((c | 0x20) - 'a' + 10);
            } /* '\r' and chunk extensions are skipped */
            break;
        }
        case CHUNK_DATA: {
            size_t n = length - i < (size_t)s->chunk_left ? length - i : (size_t)s->chunk_left;
            on_body(s, index, bytes + i, n, arrived_us);
            i += n;
            s->chunk_left -= (long)n;
            if (s->chunk_left == 0) s->chunk = CHUNK_DATA_END;
            break;
        }
        case CHUNK_DATA_END: /* the CRLF after a chunk's data */
            if (bytes[i++] == '\n') s->chunk = CHUNK_SIZE;
            break;
        case CHUNK_LAST:
            break;
        }
    }
    /* The last chunk ends the response; any trailer is of no interest. */
    if (s->chunk == CHUNK_LAST) s->phase = FINISHED;
}

/* Response head: the status line, then headers up to an empty line. */
static size_t on_headers(stream *s, size_t index, const char *bytes, size_t length) {
    size_t i = 0;
    while (i < length && s->phase == HEADERS) {
        char c = bytes[i++];
        if (c != '\n') {
            if (s->line_length < LINE_CAPACITY) s->line[s->line_length++] = c;
            continue;
        }
        size_t end = s->line_length;
        if (end > 0 && s->line[end - 1] == '\r') end--;
        s->line[end] = '\0';
        s->line_length = 0;
        if (strncmp(s->line, "HTTP/1.", 7) == 0) {
            if (strncmp(s->line + 8, " 200", 4) != 0) {
                fail(s, &run.failed_status, "stream %zu: %s", index, s->line);
            }
        } else if (end == 0) {
            s->phase = BODY;
        } else if (strcasestr(s->line, "transfer-encoding:") == s->line && strcasestr(s->line, "chunked")) {
            s->chunked = true;
        }
    }
    return i;
}

/* Opens a non-blocking connection; epoll reports it writable once connected. */
static bool start_connect(stream *s, int epoll, size_t index, const struct sockaddr_in *address) {
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) {
        perror("socket (is the file-descriptor limit high enough?)");
        return false;
    }
    int one = 1;
    setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(s->fd, (const struct sockaddr *)address, sizeof *address) < 0 && errno != EINPROGRESS) {
        perror("connect");
        return false;
    }
    struct epoll_event event = {.events = EPOLLOUT | EPOLLIN, .data.u64 = index};
    epoll_ctl(epoll, EPOLL_CTL_ADD, s->fd, &event);
    s->phase = CONNECTING;
    return true;
}

static int compare(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values, in milliseconds. */
static double percentile_ms(const int64_t *sorted, size_t count, double p) {
    if (count == 0) return 0;
    size_t rank = (size_t)(p / 100.0 * (double)count + 0.999999);
    if (rank < 1) rank = 1;
    return (double)sorted[rank - 1] / 1000.0;
}

/* The machine's count of connections dropped because an accept queue was full (TcpExt
 * ListenOverflows in /proc/net/netstat: a line of names, then a line of values), or -1. */
static long listen_overflows(void) {
    char names[4096], values[4096];
    FILE *file = fopen("/proc/net/netstat", "r");
    if (!file) return -1;
    long result = -1;
    while (result < 0 && fgets(names, sizeof names, file) && fgets(values, sizeof values, file)) {
        if (strncmp(names, "TcpExt:", 7) != 0) continue;
        char *name_state, *value_state;
        char *name = strtok_r(names, " \n", &name_state), *value = strtok_r(values, " \n", &value_state);
        for (; name && value; name = strtok_r(NULL, " \n", &name_state), value = strtok_r(NULL, " \n", &value_state))
            if (strcmp(name, "ListenOverflows") == 0) result = atol(value);
    }
    fclose(file);
    return result;
}

/* The server's peak resident set (VmHWM), in MiB, or -1 when it cannot be read. */
static double peak_rss_mb(int pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *file = fopen(path, "r");
    if (!file) return -1;
    double mb = -1;
    while (fgets(line, sizeof line, file))
        if (strncmp(line, "VmHWM:", 6) == 0) mb = strtod(line + 6, NULL) / 1024.0;
    fclose(file);
    return mb;
}

int main(int argc, char **argv) {
    int port = 0, streams = 0, server_pid = 0, connect_rate = 4000, grace_s = 10;
    double first_token_ms = -1, tokens_per_second = 0, tokens_per_event = 0;
    const char *body_file = NULL;
    for (int option; (option = getopt(argc, argv, "p:n:b:f:r:k:e:s:c:g:")) != -1;) {
        switch (option) {
        case 'p': port = atoi(optarg); break;
        case 'n': streams = atoi(optarg); break;
        case 'b': body_file = optarg; break;
        case 'f': first_token_ms = atof(optarg); break;
        case 'r': tokens_per_second = atof(optarg); break;
        case 'k': tokens_per_event = atof(optarg); break;
        case 'e': run.events_expected = atoi(optarg); break;
        case 's': server_pid = atoi(optarg); break;
        case 'c': connect_rate = atoi(optarg); break;
        case 'g': grace_s = atoi(optarg); break;
        default: usage();
        }
    }
    if (!port || streams < 1 || !body_file || first_token_ms < 0 || tokens_per_second <= 0 || tokens_per_event <= 0 ||
        run.events_expected < 1 || connect_rate < 1)
        usage();
    run.first_token_us = first_token_ms * 1000.0;
    run.event_interval_us = tokens_per_event / tokens_per_second * 1e6;

    /* The request, head and body, written whole on each connection. */
    FILE *file = fopen(body_file, "rb");
    if (!file) {
        perror(body_file);
        return 2;
    }
    static char body[65536];
    size_t body_length = fread(body, 1, sizeof body, file);
    fclose(file);
    char *request = NULL;
    int request_length = asprintf(&request,
                                  "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                                  "Accept: text/event-stream\r\nContent-Length: %zu\r\n\r\n%.*s",
                                  port, body_length, (int)body_length, body);
    if (request_length < 0) return 2;

    stream *all = calloc((size_t)streams, sizeof *all);
    run.drifts = malloc((size_t)streams * (size_t)run.events_expected * sizeof *run.drifts);
    run.first_tokens = malloc((size_t)streams * sizeof *run.first_tokens);
    run.jitters = malloc((size_t)streams * (size_t)run.events_expected * sizeof *run.jitters);
    if (!all || !run.drifts || !run.first_tokens || !run.jitters) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (int i = 0; i < streams; i++) run.first_tokens[i] = -1;

    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    int epoll = epoll_create1(EPOLL_CLOEXEC);

    /* First every connection is opened, at CONNECTS_PER_S: on loopback the handshake completes
     * inside connect(), so a burst lands in the server's accept queue (Hummingbird's backlog is
     * 256) before the server runs, and what overflows it is retried by TCP a second later. Then
     * every request is sent in one go, so that all the streams run at once. */
    int opened = 0, connecting = 0, finished = 0;
    int64_t started_us = now_us(), connected_us = 0, sent_us = 0, deadline_us = -1;
    long overflows = listen_overflows();
    double stream_us = run.first_token_us + (run.events_expected - 1) * run.event_interval_us;
    struct epoll_event ready[1024];
    static char buffer[65536];

    while (finished < streams) {
        int64_t allowed = (now_us() - started_us) * connect_rate / 1000000 + 1;
        while (opened < streams && opened < allowed) {
            if (!start_connect(&all[opened], epoll, (size_t)opened, &address)) return 1;
            opened++;
            connecting++;
        }
        if (!sent_us && opened == streams && connecting == 0) {
            connected_us = now_us();
            /* A connection dropped from the accept queue is connected for the client but not yet
             * for the server, which learns of it on a retransmit up to seconds later: its stream
             * would start late. Say so, as a reason to lower -c. */
            overflows = listen_overflows() - overflows;
            if (overflows > 0) fprintf(stderr, "%ld connections overflowed an accept queue; lower -c\n", overflows);
            for (int i = 0; i < streams; i++) {
                stream *s = &all[i];
                if (s->phase != CONNECTED) continue;
                /* The request is a few hundred bytes: one write on a fresh socket takes it all. */
                if (write(s->fd, request, (size_t)request_length) != request_length) {
                    fail(s, &run.failed_connect, "stream %d: send failed: %s", i, strerror(errno));
                    retire(s, &finished);
                    continue;
                }
                s->sent_at_us = now_us();
                s->phase = HEADERS;
            }
            sent_us = now_us();
            /* The last stream sent gets its whole reply's time, plus a grace. */
            deadline_us = sent_us + (int64_t)stream_us + (int64_t)grace_s * 1000000;
        }
        if (deadline_us > 0 && now_us() > deadline_us) break;
        int count = epoll_wait(epoll, ready, 1024, opened < streams ? 1 : 100);
        if (count < 0 && errno != EINTR) {
            perror("epoll_wait");
            return 1;
        }
        for (int e = 0; e < count; e++) {
            size_t index = (size_t)ready[e].data.u64;
            stream *s = &all[index];
            if (s->phase == CONNECTING) {
                connecting--;
                int error = 0;
                socklen_t size = sizeof error;
                getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &error, &size);
                if (error) {
                    fail(s, &run.failed_connect, "stream %zu: connect failed: %s", index, strerror(error));
                } else {
                    s->phase = CONNECTED;
                    struct epoll_event event = {.events = EPOLLIN, .data.u64 = index};
                    epoll_ctl(epoll, EPOLL_CTL_MOD, s->fd, &event);
                }
            } else if (s->phase == CONNECTED) {
                fail(s, &run.failed_closed, "stream %zu: closed by the server before the request", index);
            } else if (s->phase == HEADERS || s->phase == BODY) {
                ssize_t n = read(s->fd, buffer, sizeof buffer);
                int64_t arrived = now_us();
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                if (n == 0 && s->phase == BODY && !s->chunked) {
                    s->phase = FINISHED; /* a body without chunked encoding ends with the connection */
                } else if (n <= 0) {
                    fail(s, &run.failed_closed, "stream %zu: connection closed after %d events", index, s->events);
                } else {
                    size_t used = s->phase == HEADERS ? on_headers(s, index, buffer, (size_t)n) : 0;
                    if (s->phase == BODY) on_raw_body(s, index, buffer + used, (size_t)n - used, arrived);
                }
            }
            if (s->phase == FINISHED) {
                if (!s->failed && (!s->done_seen || s->events != run.events_expected)) {
                    fail(s, &run.failed_count, "stream %zu: %d content events (expected %d)%s", index, s->events,
                         run.events_expected, s->done_seen ? "" : ", no [DONE]");
                }
                retire(s, &finished);
            }
        }
    }
    double server_rss = server_pid ? peak_rss_mb(server_pid) : -1;

    /* Streams still open at the deadline failed. */
    int unfinished = streams - finished;
    if (unfinished) fprintf(stderr, "%d streams unfinished at the deadline\n", unfinished);

    /* Figures over completed streams only: a failed stream's events say nothing about pacing. */
    size_t events = (size_t)run.events_expected, drift_count = 0, first_count = 0;
    int completed = 0;
    for (int i = 0; i < streams; i++) {
        if (all[i].failed || all[i].phase != CLOSED) continue;
        completed++;
        memmove(&run.drifts[drift_count], &run.drifts[i * events], events * sizeof *run.drifts);
        int64_t least = run.drifts[drift_count];
        for (size_t k = 1; k < events; k++)
            if (run.drifts[drift_count + k] < least) least = run.drifts[drift_count + k];
        for (size_t k = 0; k < events; k++) run.jitters[drift_count + k] = run.drifts[drift_count + k] - least;
        drift_count += events;
        run.first_tokens[first_count++] = run.first_tokens[i];
    }
    qsort(run.drifts, drift_count, sizeof *run.drifts, compare);
    qsort(run.jitters, drift_count, sizeof *run.jitters, compare);
    qsort(run.first_tokens, first_count, sizeof *run.first_tokens, compare);
    printf("streams=%d completed=%d failed=%d failed_connect=%d failed_status=%d failed_closed=%d failed_events=%d "
           "failed_protocol=%d unfinished=%d ",
           streams, completed, streams - completed, run.failed_connect, run.failed_status, run.failed_closed,
           run.failed_count, run.failed_protocol, unfinished);
    printf("connect_ms=%.1f listen_overflows=%ld send_ms=%.1f ", (connected_us - started_us) / 1000.0, overflows,
           (sent_us - connected_us) / 1000.0);
    printf("drift_p50_ms=%.2f drift_p99_ms=%.2f drift_max_ms=%.2f jitter_p50_ms=%.2f jitter_p99_ms=%.2f ",
           percentile_ms(run.drifts, drift_count, 50), percentile_ms(run.drifts, drift_count, 99),
           drift_count ? run.drifts[drift_count - 1] / 1000.0 : 0, percentile_ms(run.jitters, drift_count, 50),
           percentile_ms(run.jitters, drift_count, 99));
    printf("ttft_p50_ms=%.2f ttft_p99_ms=%.2f server_peak_rss_mb=%.1f\n", percentile_ms(run.first_tokens, first_count, 50),
           percentile_ms(run.first_tokens, first_count, 99), server_rss);
    return 0;
}
