package awsapi

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// closingBody reads as the SDK's request bodies do: io.EOF once closed.
type closingBody struct {
	mu     sync.Mutex
	r      io.Reader
	closed bool
}

func (b *closingBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, io.EOF
	}
	return b.r.Read(p)
}

func (b *closingBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}

type clientFunc func(*http.Request) (*http.Response, error)

func (f clientFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// TestOwnBodyOutlivesTheSDKs: the transport still reads the body it sends
// whole after the SDK closed the one it built, as it does once the
// response is in.
func TestOwnBodyOutlivesTheSDKs(t *testing.T) {
	const payload = "Action=DescribeStackEvents&StackName=shop&Version=2010-05-15"
	var sent io.Reader
	c := ownBody{clientFunc(func(r *http.Request) (*http.Response, error) {
		sent = r.Body
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	})}
	sdk := &closingBody{r: strings.NewReader(payload)}
	req, err := http.NewRequest(http.MethodPost, "http://localhost/", sdk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(req); err != nil {
		t.Fatal(err)
	}
	sdk.Close()
	if b, err := io.ReadAll(sent); err != nil || string(b) != payload {
		t.Errorf("the transport read %q, %v; want %q", b, err, payload)
	}
	if req.Body != io.ReadCloser(sdk) {
		t.Error("the SDK's request was changed: it would not close its own body")
	}
}
