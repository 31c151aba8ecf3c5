package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docker-ecs/docker-ecs/internal/fakeaws"
)

// vpcWithPrivateSubnets adds a VPC with public and private subnets in two
// zones, and returns it and its subnets.
func vpcWithPrivateSubnets(w *world) (vpc string, public, private []string) {
	vpc = w.srv.AddVPC("10.9.0.0/16", nil)
	public = sorted([]string{
		w.srv.AddSubnet(vpc, "eu-west-1a", "10.9.1.0/24", true, nil),
		w.srv.AddSubnet(vpc, "eu-west-1b", "10.9.2.0/24", true, nil),
	})
	private = sorted([]string{
		w.srv.AddSubnet(vpc, "eu-west-1a", "10.9.11.0/24", false, nil),
		w.srv.AddSubnet(vpc, "eu-west-1b", "10.9.12.0/24", false, nil),
	})
	return vpc, public, private
}

func TestPrivateTasksPublicLoadBalancer(t *testing.T) {
	w := newWorld(t, time.Second)
	vpc, public, private := vpcWithPrivateSubnets(w)
	if err := w.up(context.Background(), "x-aws-vpc: "+vpc+"\nx-aws-private: true\n"+webAndDB, UpOptions{}); err != nil {
		t.Fatalf("up: %v\n%s", err, w.progress.String())
	}
	s := mustStack(t, w)
	if s.Parameters["Subnets"] != strings.Join(private, ",") || s.Parameters["LoadBalancerSubnets"] != strings.Join(public, ",") {
		t.Errorf("parameters %v", s.Parameters)
	}
}

func TestInternalLoadBalancerInPrivateSubnets(t *testing.T) {
	w := newWorld(t, time.Second)
	vpc, _, private := vpcWithPrivateSubnets(w)
	compose := "x-aws-vpc: " + vpc + "\nx-aws-private: true\nx-aws-loadbalancer_internal: true\n" + webAndDB
	if err := w.up(context.Background(), compose, UpOptions{}); err != nil {
		t.Fatalf("up: %v", err)
	}
	if s := mustStack(t, w); s.Parameters["LoadBalancerSubnets"] != strings.Join(private, ",") {
		t.Errorf("parameters %v", s.Parameters)
	}
}

func TestLookupFailures(t *testing.T) {
	for _, tt := range []struct {
		name    string
		prepare func(w *world) string // returns the compose file
		want    string
	}{
		{"no private subnet", func(w *world) string {
			return "x-aws-private: true\n" + webAndDB
		}, "x-aws-private: the VPC vpc-"},
		{"subnet of another VPC", func(w *world) string {
			_, public, _ := vpcWithPrivateSubnets(w)
			return "x-aws-subnets: [" + public[0] + "]\n" + webAndDB
		}, "x-aws-subnets: the subnet "},
		{"one zone", func(w *world) string {
			vpc := w.srv.AddVPC("10.8.0.0/16", nil)
			w.srv.AddSubnet(vpc, "eu-west-1a", "10.8.1.0/24", true, nil)
			return "x-aws-vpc: " + vpc + "\n" + webAndDB
		}, "public subnets in 1 Availability Zone, and a load balancer needs two"},
		{"missing cluster", func(w *world) string {
			return "x-aws-cluster: nope\n" + webAndDB
		}, "x-aws-cluster: the ECS cluster nope does not exist in the AWS region eu-west-1"},
		{"cluster without Spot", func(w *world) string {
			w.srv.AddCluster("shared", "FARGATE")
			return "x-aws-cluster: shared\nservices:\n  batch:\n    image: x\n    x-aws-capacity: spot\n"
		}, "services.batch.x-aws-capacity: the cluster shared has no FARGATE_SPOT capacity provider"},
		{"missing load balancer", func(w *world) string {
			return "x-aws-loadbalancer: nope\n" + webAndDB
		}, "x-aws-loadbalancer: the load balancer nope does not exist in the AWS region eu-west-1"},
		{"load balancer of the wrong type", func(w *world) string {
			vpc, _ := w.srv.DefaultVPC()
			w.srv.AddExistingLoadBalancer(fakeaws.ExistingLoadBalancer{Name: "tcp", VPC: vpc, Type: "network", SecurityGroups: []string{"sg-0123456789abcdef0"}})
			return "x-aws-loadbalancer: tcp\n" + webAndDB
		}, "x-aws-loadbalancer: tcp is an network load balancer, and the published ports need a application one"},
		{"load balancer without security group", func(w *world) string {
			vpc, _ := w.srv.DefaultVPC()
			w.srv.AddExistingLoadBalancer(fakeaws.ExistingLoadBalancer{Name: "bare", VPC: vpc})
			return "x-aws-loadbalancer: bare\n" + webAndDB
		}, "x-aws-loadbalancer: bare has no security group"},
		{"port taken", func(w *world) string {
			vpc, _ := w.srv.DefaultVPC()
			w.srv.AddExistingLoadBalancer(fakeaws.ExistingLoadBalancer{Name: "busy", VPC: vpc, SecurityGroups: []string{"sg-0123456789abcdef0"}, Ports: []int{80}})
			return "x-aws-loadbalancer: busy\n" + webAndDB
		}, "x-aws-loadbalancer: port 80 of busy is taken by another listener"},
		{"certificate of another region", func(w *world) string {
			return "x-aws-certificate: arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f\nservices:\n  web:\n    image: nginx\n    ports: [\"443:80\"]\n"
		}, "x-aws-certificate: the certificate is in us-east-1, and a load balancer in eu-west-1 needs one of its own region"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, time.Second)
			err := w.up(context.Background(), tt.prepare(w), UpOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if n := w.srv.Count("cloudformation", "CreateStack") + w.srv.Count("cloudformation", "CreateChangeSet"); n != 0 {
				t.Error("a stack operation was started")
			}
		})
	}
}

func TestExistingLoadBalancerAndCluster(t *testing.T) {
	w := newWorld(t, time.Second)
	vpc, _ := w.srv.DefaultVPC()
	group := w.srv.AddSecurityGroup(vpc, "alb", "the shared load balancer", nil)
	arn := w.srv.AddExistingLoadBalancer(fakeaws.ExistingLoadBalancer{Name: "shared", VPC: vpc, SecurityGroups: []string{group}, Ports: []int{443}})
	w.srv.AddCluster("shared", "FARGATE", "FARGATE_SPOT")
	compose := "x-aws-loadbalancer: shared\nx-aws-cluster: shared\nservices:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n    x-aws-capacity: spot\n"
	if err := w.up(context.Background(), compose, UpOptions{}); err != nil {
		t.Fatalf("up: %v\n%s", err, w.progress.String())
	}
	s := mustStack(t, w)
	if s.Parameters["LoadBalancerArn"] != arn || s.Parameters["LoadBalancerSecurityGroup"] != group || s.Parameters["VpcId"] != vpc {
		t.Errorf("parameters %v", s.Parameters)
	}
	if _, ok := s.Resource("Cluster"); ok {
		t.Error("the stack made a cluster")
	}
	// A second deploy finds its own listener on port 80, and no conflict.
	w.out.Reset()
	if err := w.up(context.Background(), compose, UpOptions{}); err != nil {
		t.Fatalf("second up: %v", err)
	}
	if !strings.Contains(w.out.String(), "No changes") {
		t.Errorf("second up: %s", w.out.String())
	}
}

// A stack of more than a page of resources (ListStackResources gives 100
// a page) still finds its own listener, on the second page; the listener
// and the volume's file system are looked up in one listing.
func TestExistingLoadBalancerInALargeStack(t *testing.T) {
	w := newWorld(t, time.Second)
	vpc, _ := w.srv.DefaultVPC()
	group := w.srv.AddSecurityGroup(vpc, "alb", "the shared load balancer", nil)
	w.srv.AddExistingLoadBalancer(fakeaws.ExistingLoadBalancer{Name: "shared", VPC: vpc, SecurityGroups: []string{group}})
	var b strings.Builder
	b.WriteString("x-aws-loadbalancer: shared\nvolumes:\n  data: {}\nservices:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n    volumes: [\"data:/data\"]\n")
	for i := range 40 {
		fmt.Fprintf(&b, "  a%d:\n    image: x\n", i)
	}
	compose := b.String()
	if err := w.up(context.Background(), compose, UpOptions{}); err != nil {
		t.Fatalf("up: %v\n%s", err, w.progress.String())
	}
	s := mustStack(t, w)
	if i := slices.IndexFunc(s.Resources, func(r fakeaws.ResourceSnapshot) bool { return r.LogicalID == "Listener80" }); i < 100 {
		t.Fatalf("the listener is resource %d of %d, not on the second page", i, len(s.Resources))
	}
	w.out.Reset()
	w.srv.ResetCalls()
	if err := w.up(context.Background(), compose, UpOptions{}); err != nil {
		t.Fatalf("second up: %v", err)
	}
	if !strings.Contains(w.out.String(), "No changes") {
		t.Errorf("second up: %s", w.out.String())
	}
	if n := w.srv.Count("cloudformation", "ListStackResources"); n != 2 {
		t.Errorf("%d calls of ListStackResources, not the 2 pages of one listing", n)
	}
}
