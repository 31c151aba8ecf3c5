package apply

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

func TestDown(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	if err := w.up(ctx, webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	w.out.Reset()
	w.progress.Reset()
	if err := w.down(ctx); err != nil {
		t.Fatalf("down: %v\n%s", err, w.progress.String())
	}
	if st := w.status(); st != "" && st != "DELETE_COMPLETE" {
		t.Errorf("stack %s", st)
	}
	if !strings.Contains(w.out.String(), "shop is removed.") {
		t.Errorf("output: %s", w.out.String())
	}
	if !strings.Contains(w.progress.String(), "web/WebService ECS::Service DELETE_COMPLETE") {
		t.Errorf("progress:\n%s", w.progress.String())
	}
}

func TestDownWithoutStack(t *testing.T) {
	w := newWorld(t, time.Second)
	if err := w.down(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.out.String(), "shop is not deployed in eu-west-1: nothing to remove.") {
		t.Errorf("output: %s", w.out.String())
	}
	if w.srv.Count("cloudformation", "DeleteStack") != 0 {
		t.Error("DeleteStack was called")
	}
}

func TestDownFails(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	if err := w.up(ctx, webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	w.srv.FailResource(fakeaws.Failure{LogicalID: "LoadBalancerSecurityGroup", On: fakeaws.Delete, Reason: "resource sg-1 has a dependent object", Times: 1})
	err := w.down(ctx)
	if err == nil {
		t.Fatal("down succeeded")
	}
	for _, want := range []string{"the removal of shop failed (DELETE_FAILED): fix the cause, then run docker ecs down again", "LoadBalancerSecurityGroup (EC2::SecurityGroup): resource sg-1 has a dependent object"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%s", want, err)
		}
	}
	// Once the cause is gone, down again finishes the job.
	if err := w.down(ctx); err != nil {
		t.Fatal(err)
	}
	if st := w.status(); st != "" && st != "DELETE_COMPLETE" {
		t.Errorf("stack %s", st)
	}
}

func TestPs(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	if err := w.up(ctx, webAndDB, UpOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := w.d.Ps(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if st.Stack != "CREATE_COMPLETE" || st.Region != "eu-west-1" || st.LoadBalancer == "" {
		t.Errorf("status %+v", st)
	}
	if len(st.Services) != 2 {
		t.Fatalf("services %+v", st.Services)
	}
	db, web := st.Services[0], st.Services[1]
	if db.Name != "db" || web.Name != "web" {
		t.Fatalf("services %s, %s", db.Name, web.Name)
	}
	if web.Desired != 2 || web.Running != 2 || len(web.Tasks) != 2 || web.Tasks[0].Status != "RUNNING" || web.Tasks[0].IP == "" {
		t.Errorf("web %+v", web)
	}
	if len(web.Ports) != 1 || web.Ports[0].Port != 80 || web.Ports[0].Target != 80 || !strings.HasPrefix(web.Ports[0].URL, "http://") {
		t.Errorf("web ports %+v", web.Ports)
	}
	if len(db.Ports) != 0 || db.Running != 1 {
		t.Errorf("db %+v", db)
	}
	if _, err := json.Marshal(st); err != nil {
		t.Fatal(err)
	}
}

func TestPsWithoutStack(t *testing.T) {
	w := newWorld(t, time.Second)
	_, err := w.d.Ps(context.Background(), "shop")
	if err == nil || !strings.Contains(err.Error(), "shop is not deployed in eu-west-1") {
		t.Fatalf("got %v", err)
	}
}

func TestLogs(t *testing.T) {
	w := newWorld(t, time.Second)
	ctx := context.Background()
	group := "/docker-ecs/shop"
	at := func(s int) time.Time { return start.Add(time.Duration(s) * time.Second) }
	w.srv.PutLogEvents(group, "web/web/aaaaaaaa1111", fakeaws.LogEvent{Time: at(1), Message: "web a 1"}, fakeaws.LogEvent{Time: at(3), Message: "web a 2"}, fakeaws.LogEvent{Time: at(5), Message: "web a 3"})
	w.srv.PutLogEvents(group, "web/web/bbbbbbbb2222", fakeaws.LogEvent{Time: at(2), Message: "web b 1"})
	w.srv.PutLogEvents(group, "db/db/cccccccc3333", fakeaws.LogEvent{Time: at(4), Message: "db c 1"})

	w.d.Logs(ctx, "shop", LogsOptions{Tail: -1, Out: &w.out})
	want := "web-aaaaaa | web a 1\nweb-bbbbbb | web b 1\nweb-aaaaaa | web a 2\ndb-cccccc  | db c 1\nweb-aaaaaa | web a 3\n"
	if got := w.out.String(); got != want {
		t.Errorf("all logs:\n%s\nwant:\n%s", got, want)
	}

	w.out.Reset()
	if err := w.d.Logs(ctx, "shop", LogsOptions{Services: []string{"web"}, Tail: 1, Timestamps: true, Out: &w.out}); err != nil {
		t.Fatal(err)
	}
	want = "web-bbbbbb | 2026-11-25T10:00:02Z web b 1\nweb-aaaaaa | 2026-11-25T10:00:05Z web a 3\n"
	if got := w.out.String(); got != want {
		t.Errorf("--tail 1 web:\n%s\nwant:\n%s", got, want)
	}

	w.out.Reset()
	if err := w.d.Logs(ctx, "shop", LogsOptions{Services: []string{"db"}, Since: at(4), Tail: -1, Out: &w.out}); err != nil {
		t.Fatal(err)
	}
	if got := w.out.String(); got != "db-cccccc | db c 1\n" {
		t.Errorf("--since db:\n%s", got)
	}
}

func TestLogsFollow(t *testing.T) {
	w := newWorld(t, time.Second)
	group := "/docker-ecs/shop"
	w.srv.PutLogEvents(group, "web/web/aaaaaaaa1111", fakeaws.LogEvent{Time: start, Message: "first"})
	ctx, cancel := context.WithCancel(context.Background())
	// The clock writes a line at each sleep, and stops following after
	// three.
	n := 0
	w.d.Clock = sleeper(func(ctx context.Context, d time.Duration) error {
		n++
		w.clock.Advance(d)
		if n <= 3 {
			w.srv.PutLogEvents(group, "web/web/aaaaaaaa1111", fakeaws.LogEvent{Time: w.clock.Now(), Message: "line " + string(rune('0'+n))})
		} else {
			cancel()
		}
		return ctx.Err()
	})
	if err := w.d.Logs(ctx, "shop", LogsOptions{Follow: true, Tail: -1, Out: &w.out}); err != nil {
		t.Fatal(err)
	}
	want := "web-aaaaaa | first\nweb-aaaaaa | line 1\nweb-aaaaaa | line 2\nweb-aaaaaa | line 3\n"
	if got := w.out.String(); got != want {
		t.Errorf("followed:\n%s\nwant:\n%s", got, want)
	}
}

// TestLogsFollowTail: the lines --tail prints are not printed again when
// following reads from the time of the last one; two same lines at the
// same time are two lines.
func TestLogsFollowTail(t *testing.T) {
	w := newWorld(t, time.Second)
	group := "/docker-ecs/shop"
	at := func(s int) time.Time { return start.Add(time.Duration(s) * time.Second) }
	w.srv.PutLogEvents(group, "web/web/aaaaaaaa1111", fakeaws.LogEvent{Time: at(1), Message: "old"}, fakeaws.LogEvent{Time: at(2), Message: "tail 1"}, fakeaws.LogEvent{Time: at(3), Message: "tail 2"}, fakeaws.LogEvent{Time: at(3), Message: "tail 2"})
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	w.d.Clock = sleeper(func(ctx context.Context, d time.Duration) error {
		n++
		w.clock.Advance(d)
		switch n {
		case 2:
			w.srv.PutLogEvents(group, "web/web/aaaaaaaa1111", fakeaws.LogEvent{Time: at(4), Message: "new"})
		case 4:
			cancel()
		}
		return ctx.Err()
	})
	if err := w.d.Logs(ctx, "shop", LogsOptions{Follow: true, Tail: 3, Out: &w.out}); err != nil {
		t.Fatal(err)
	}
	want := "web-aaaaaa | tail 1\nweb-aaaaaa | tail 2\nweb-aaaaaa | tail 2\nweb-aaaaaa | new\n"
	if got := w.out.String(); got != want {
		t.Errorf("followed:\n%s\nwant:\n%s", got, want)
	}
}

type sleeper func(ctx context.Context, d time.Duration) error

func (s sleeper) Now() time.Time                                   { return time.Time{} }
func (s sleeper) Sleep(ctx context.Context, d time.Duration) error { return s(ctx, d) }

func TestLogsWithoutLogGroup(t *testing.T) {
	w := newWorld(t, time.Second)
	err := w.d.Logs(context.Background(), "shop", LogsOptions{Tail: -1, Out: &w.out})
	if err == nil || !strings.Contains(err.Error(), "shop has no logs in eu-west-1") {
		t.Fatalf("got %v", err)
	}
}
