package apply

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/docker-ecs/docker-ecs/internal/awsapi"
	"github.com/docker-ecs/docker-ecs/internal/convert"
)

// LogsOptions are the options of Logs.
type LogsOptions struct {
	// Services limits the logs to these compose services; empty for all.
	Services []string
	// Follow keeps printing new lines until ctx is done.
	Follow bool
	// Since skips older lines; zero for all.
	Since time.Time
	// Tail is how many of the last lines of each task to print first; -1
	// for all.
	Tail int
	// Timestamps prints each line's time.
	Timestamps bool
	// Color gives each service its colour.
	Color bool
	Out   io.Writer
}

// Following logs: CloudWatch is asked again soon after new lines, less
// often while there are none.
const (
	minLogPoll = time.Second
	maxLogPoll = 3 * time.Second
	// tailStreams is how many of the latest log streams --tail reads.
	tailStreams = 50
)

// line is one log event of a task.
type line struct {
	time    time.Time
	service string
	task    string
	message string
}

// Logs prints the logs of the project's services, as docker compose logs
// does: a prefix per task, a colour per service.
func (d *Deployer) Logs(ctx context.Context, project string, o LogsOptions) error {
	l := &logReader{d: d, group: convert.LogGroupName(project), o: o, seen: map[string]int{}}
	var first []line
	var err error
	if o.Tail >= 0 {
		first, err = l.tail(ctx)
	} else {
		first, err = l.since(ctx, o.Since)
	}
	if awsapi.IsCode(err, "ResourceNotFoundException") {
		return fmt.Errorf("%s has no logs in %s: its log group %s does not exist (has it been deployed?)", project, d.AWS.Region, l.group)
	}
	if err != nil {
		return awsapi.Explain(err)
	}
	l.print(first)
	if !o.Follow {
		return nil
	}
	interval := minLogPoll
	for {
		if err := d.Clock.Sleep(ctx, interval); err != nil {
			return nil // interrupted: following ends
		}
		from := l.last
		if from.IsZero() {
			from = o.Since
		}
		next, err := l.since(ctx, from)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return awsapi.Explain(err)
		}
		l.print(next)
		if len(next) > 0 {
			interval = minLogPoll
		} else {
			interval = min(interval*3/2, maxLogPoll)
		}
	}
}

type logReader struct {
	d     *Deployer
	group string
	o     LogsOptions
	// seen counts the lines printed of each stream, time and message:
	// reading again from the time of the last one returns it again, and
	// GetLogEvents, which --tail reads, gives no event IDs.
	seen   map[string]int
	last   time.Time
	prefix int // width of the widest prefix so far
}

// wanted reports whether a log stream belongs to a requested service, and
// splits its name, SERVICE/CONTAINER/TASK.
func (l *logReader) wanted(stream string) (service, task string, ok bool) {
	parts := strings.Split(stream, "/")
	if len(parts) != 3 {
		return "", "", false
	}
	service, task = parts[0], parts[2]
	return service, task, len(l.o.Services) == 0 || slices.Contains(l.o.Services, service)
}

// since reads every line from t on.
func (l *logReader) since(ctx context.Context, t time.Time) ([]line, error) {
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(l.group)}
	if !t.IsZero() {
		in.StartTime = aws.Int64(t.UnixMilli())
	}
	if len(l.o.Services) == 1 {
		in.LogStreamNamePrefix = aws.String(l.o.Services[0] + "/")
	}
	var out []line
	read := map[string]int{}
	p := cloudwatchlogs.NewFilterLogEventsPaginator(l.d.AWS.Logs, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Events {
			if ln, ok := l.event(read, aws.ToString(e.LogStreamName), aws.ToInt64(e.Timestamp), aws.ToString(e.Message)); ok {
				out = append(out, ln)
			}
		}
	}
	return out, nil
}

// tail reads the last Tail lines of each of the latest log streams.
func (l *logReader) tail(ctx context.Context) ([]line, error) {
	streams, err := l.d.AWS.Logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{
		LogGroupName: aws.String(l.group),
		OrderBy:      logtypes.OrderByLastEventTime,
		Descending:   aws.Bool(true),
		Limit:        aws.Int32(tailStreams),
	})
	if err != nil {
		return nil, err
	}
	var out []line
	read := map[string]int{}
	for _, s := range streams.LogStreams {
		name := aws.ToString(s.LogStreamName)
		if _, _, ok := l.wanted(name); !ok || l.o.Tail == 0 {
			continue
		}
		if !l.o.Since.IsZero() && aws.ToInt64(s.LastEventTimestamp) < l.o.Since.UnixMilli() {
			continue
		}
		in := &cloudwatchlogs.GetLogEventsInput{
			LogGroupName:  aws.String(l.group),
			LogStreamName: aws.String(name),
			Limit:         aws.Int32(int32(min(l.o.Tail, 10000))),
			StartFromHead: aws.Bool(false),
		}
		if !l.o.Since.IsZero() {
			in.StartTime = aws.Int64(l.o.Since.UnixMilli())
		}
		events, err := l.d.AWS.Logs.GetLogEvents(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, e := range events.Events {
			if ln, ok := l.event(read, name, aws.ToInt64(e.Timestamp), aws.ToString(e.Message)); ok {
				out = append(out, ln)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b line) int { return a.time.Compare(b.time) })
	return out, nil
}

// event turns a log event into a line, unless it was printed already or
// is of a service not asked for. read counts the events of the read so
// far by stream, time and message: the nth such event is new when fewer
// than n were printed.
func (l *logReader) event(read map[string]int, stream string, ms int64, message string) (line, bool) {
	service, task, ok := l.wanted(stream)
	if !ok {
		return line{}, false
	}
	h := fnv.New64a()
	h.Write([]byte(message))
	key := fmt.Sprintf("%s/%d/%x", stream, ms, h.Sum64())
	read[key]++
	if read[key] <= l.seen[key] {
		return line{}, false
	}
	l.seen[key] = read[key]
	return line{time: time.UnixMilli(ms).UTC(), service: service, task: task, message: strings.TrimRight(message, "\n")}, true
}

// print writes lines as docker compose logs does: "web-3f2a1b  | message".
func (l *logReader) print(lines []line) {
	for _, ln := range lines {
		l.prefix = max(l.prefix, len(prefix(ln)))
	}
	for _, ln := range lines {
		p := fmt.Sprintf("%-*s |", l.prefix, prefix(ln))
		if l.o.Color {
			p = colour(ln.service) + p + "\x1b[0m"
		}
		msg := ln.message
		if l.o.Timestamps {
			msg = ln.time.Format(time.RFC3339Nano) + " " + msg
		}
		fmt.Fprintf(l.o.Out, "%s %s\n", p, msg)
		if ln.time.After(l.last) {
			l.last = ln.time
		}
	}
}

// prefix names the task a line comes from: the service, and the start of
// the task's ID.
func prefix(ln line) string {
	return ln.service + "-" + ln.task[:min(len(ln.task), 6)]
}

// colours are the ANSI colours of the services, as docker compose uses.
var colours = []string{"\x1b[36m", "\x1b[33m", "\x1b[32m", "\x1b[35m", "\x1b[34m", "\x1b[96m", "\x1b[93m", "\x1b[92m", "\x1b[95m", "\x1b[94m"}

// colour gives a service the same colour every time.
func colour(service string) string {
	h := fnv.New32a()
	h.Write([]byte(service))
	return colours[h.Sum32()%uint32(len(colours))]
}
